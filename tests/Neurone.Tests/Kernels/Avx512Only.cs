using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

/// <summary>
/// A fact about a kernel that exists only with AVX-512 (the GEMM's 512-bit tiles, images lowered straight into
/// panels). On any other CPU, and in <c>.ci/run</c>'s runs with AVX-512 switched off, it is reported skipped rather
/// than passed: a test that returned early there would count a check it never made.
/// </summary>
public sealed class Avx512FactAttribute : FactAttribute
{
    public Avx512FactAttribute()
    {
        if (Simd.Best != SimdLevel.Vector512) Skip = Avx512TheoryAttribute.Reason;
    }
}

/// <summary>The theory form of <see cref="Avx512FactAttribute"/>.</summary>
public sealed class Avx512TheoryAttribute : TheoryAttribute
{
    internal static string Reason => $"needs AVX-512; this process's best SIMD level is {Simd.Best}";

    public Avx512TheoryAttribute()
    {
        if (Simd.Best != SimdLevel.Vector512) Skip = Reason;
    }
}
