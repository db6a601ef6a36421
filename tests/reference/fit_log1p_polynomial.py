"""Prints the polynomial Kernels/ElementwiseMath.cs uses for ln(1 + f) on [√½ − 1, √2 − 1]:
ln(1 + f) = f − f²/2 + f³·g(f), g fitted by Chebyshev interpolation of degree 8 (mpmath.chebyfit, 40 digits).
The fit's own error is 2.9e-8 on g, 5.9e-9 of ln(1 + f) at worst (0.1 ulp of float32).

Run with any python3 that has mpmath:  /usr/bin/python3 fit_log1p_polynomial.py"""
import mpmath

mpmath.mp.dps = 40
a, b = mpmath.sqrt(0.5) - 1, mpmath.sqrt(2) - 1
g = lambda f: (mpmath.log1p(f) - f + f * f / 2) / f ** 3 if f != 0 else mpmath.mpf(1) / 3
poly, err = mpmath.chebyfit(g, [a, b], 9, error=True)
worst = max(abs(x ** 3) * err / abs(mpmath.log1p(x)) for x in [a, b])
print(f"error of g {float(err):.2e}, of ln(1 + f) {float(worst):.2e}; coefficients, highest degree first:")
for c in poly:
    print(f"{float(c):.9g}f")
