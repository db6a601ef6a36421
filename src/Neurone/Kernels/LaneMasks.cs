using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// Masks that select the first lanes of a vector, for the masked loads and stores that handle a ragged end
/// (AVX-512 moves touch only the selected lanes, so they never read or write past a row). Built from
/// constants each time: a vector held in a static field costs a helper call inside an optimised loop.
/// </summary>
internal static class LaneMasks
{
    /// <summary>The lane numbers 0..15.</summary>
    public static Vector512<int> Lanes512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    /// <summary>Lanes [0, <paramref name="count"/>) of 16 selected; none for count ≤ 0, all for count ≥ 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> First512(int count) => Vector512.LessThan(Lanes512, Vector512.Create(count)).AsSingle();

    /// <summary>Lanes [0, <paramref name="count"/>) of 8 selected (sign bits set, as AVX masked moves read them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> First256(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
}
