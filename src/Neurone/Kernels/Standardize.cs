using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// dst = (x − centre)·scale + shift in one pass: normalisation by given statistics. Subtracting the centre
/// first keeps the spread's digits when the centre is large against it (x − centre is exact for x within a
/// factor 2 of the centre); folding it into the shift, x·scale + (shift − centre·scale), would round x·scale at
/// the size of the centre. Vector bodies and the scalar tail do the same float operations in the same order.
/// </summary>
public static class Standardize
{
    /// <summary>dst[i] = (x[i] − centre)·scale + shift; <paramref name="dst"/> may be <paramref name="x"/>.</summary>
    public static void Apply(ReadOnlySpan<float> x, float centre, float scale, float shift, Span<float> dst, SimdLevel level)
    {
        if (dst.Length != x.Length)
            throw new ArgumentException($"standardize: expected a destination of {x.Length} values, got {dst.Length}.");
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pd = ref MemoryMarshal.GetReference(dst);
        int n = x.Length, i = 0;
        if (level >= SimdLevel.Vector512)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                ((Vector512.LoadUnsafe(ref px, (nuint)i) - Vector512.Create(centre)) * scale + Vector512.Create(shift)).StoreUnsafe(ref pd, (nuint)i);
        if (level >= SimdLevel.Vector256)
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                ((Vector256.LoadUnsafe(ref px, (nuint)i) - Vector256.Create(centre)) * scale + Vector256.Create(shift)).StoreUnsafe(ref pd, (nuint)i);
        for (; i < n; i++) dst[i] = (x[i] - centre) * scale + shift;
    }
}
