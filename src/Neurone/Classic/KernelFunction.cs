using Neurone.Kernels;

namespace Neurone.Classic;

/// <summary>
/// Evaluates a resolved <see cref="SvmKernel"/> on blocks of rows: one GEMM for the dot products, then
/// the kernel's scalar function in place. The RBF distance uses ‖a‖² + ‖b‖² − 2a·b with the squared
/// norms computed once, clamped at 0 because rounding can push it slightly below.
/// </summary>
internal sealed class KernelFunction(SvmKernel kind, double gamma, int degree, double coef0)
{
    public SvmKernel Kind { get; } = kind;
    public double Gamma { get; } = gamma;
    public int Degree { get; } = degree;
    public double Coef0 { get; } = coef0;

    /// <summary>The squared norm of each of the <paramref name="n"/> rows of <paramref name="x"/>.</summary>
    public static float[] SquaredNorms(ReadOnlySpan<float> x, int n, int d)
    {
        var norms = new float[n];
        for (int i = 0; i < n; i++)
        {
            var row = x.Slice(i * d, d);
            norms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(row, row);
        }
        return norms;
    }

    /// <summary>
    /// out[i, j] = k(a_i, b_j) for the <paramref name="m"/> rows of <paramref name="a"/> and the
    /// <paramref name="n"/> rows of <paramref name="b"/>, <paramref name="output"/> row-major m×n.
    /// </summary>
    public void Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> aNorms, int m,
        ReadOnlySpan<float> b, ReadOnlySpan<float> bNorms, int n, int d, Span<float> output)
    {
        Gemm.Multiply(false, true, m, n, d, 1f, a, d, b, d, 0f, output, n);
        if (Kind == SvmKernel.Linear) return;
        float g = (float)Gamma, c0 = (float)Coef0;
        for (int i = 0; i < m; i++)
        {
            var row = output.Slice(i * n, n);
            switch (Kind)
            {
                case SvmKernel.Rbf:
                    float ai = aNorms[i];
                    for (int j = 0; j < n; j++)
                        row[j] = MathF.Exp(-g * MathF.Max(ai + bNorms[j] - 2f * row[j], 0f));
                    break;
                case SvmKernel.Poly:
                    for (int j = 0; j < n; j++) row[j] = Power(g * row[j] + c0, Degree);
                    break;
                case SvmKernel.Sigmoid:
                    for (int j = 0; j < n; j++) row[j] = MathF.Tanh(g * row[j] + c0);
                    break;
            }
        }
    }

    /// <summary>k(a, a) for each row, from its squared norm.</summary>
    public float Self(float squaredNorm) => Kind switch
    {
        SvmKernel.Linear => squaredNorm,
        SvmKernel.Rbf => 1f,
        SvmKernel.Poly => Power((float)Gamma * squaredNorm + (float)Coef0, Degree),
        _ => MathF.Tanh((float)Gamma * squaredNorm + (float)Coef0),
    };

    // Repeated squaring: exact for small degrees and much cheaper than MathF.Pow.
    static float Power(float x, int p)
    {
        float r = 1f;
        while (p > 0)
        {
            if ((p & 1) != 0) r *= x;
            x *= x;
            p >>= 1;
        }
        return r;
    }
}
