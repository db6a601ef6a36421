namespace Neurone.Kernels;

/// <summary>Special functions .NET's Math lacks.</summary>
public static class SpecialFunctions
{
    /// <summary>
    /// The error function, to about 1.2e-7 relative accuracy everywhere: the complementary form of
    /// Numerical Recipes' Chebyshev fit (erfc(z) ≈ t·exp(−z² + P(t)), t = 1/(1 + z/2)), ample for float32.
    /// </summary>
    public static double Erf(double x)
    {
        double erfc = Erfc(Math.Abs(x));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    /// <summary>
    /// The complementary error function 1 − erf(x), to about 1.2e-7 relative accuracy everywhere, far tails included
    /// (where 1 − erf(x) would cancel to 0): erfc(10) = 2.1e-45, not 0.
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277))))))));
        double erfc = t * Math.Exp(poly);
        return x >= 0 ? erfc : 2.0 - erfc;
    }
}
