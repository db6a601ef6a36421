using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The widest vector instruction set a kernel may use. Kernels pick <see cref="Simd.Best"/> by
/// default; tests pass a lower level explicitly so every code path runs on every machine that has it.
/// </summary>
public enum SimdLevel
{
    /// <summary>Plain scalar code: runs everywhere, the reference the vector paths are compared with.</summary>
    Scalar = 0,
    /// <summary>256-bit vectors with fused multiply-add (AVX2 + FMA on x64, or any 256-bit hardware vectors).</summary>
    Vector256 = 1,
    /// <summary>512-bit vectors (AVX-512F).</summary>
    Vector512 = 2,
}

/// <summary>What the running CPU supports.</summary>
public static class Simd
{
    /// <summary>The widest level this CPU accelerates.</summary>
    public static SimdLevel Best { get; } = Detect();

    /// <summary>True when <paramref name="level"/> can run on this CPU (Scalar always can).</summary>
    public static bool IsSupported(SimdLevel level) => level <= Best;

    static SimdLevel Detect()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return SimdLevel.Vector512;
        if (Vector256.IsHardwareAccelerated && (Fma.IsSupported || !X86Base.IsSupported)) return SimdLevel.Vector256;
        return SimdLevel.Scalar;
    }
}
