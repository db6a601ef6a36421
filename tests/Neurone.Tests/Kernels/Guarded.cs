using System.Runtime.InteropServices;

namespace Neurone.Tests.Kernels;

/// <summary>
/// A buffer cut from the middle of a larger array whose surroundings hold a sentinel: canaries for the kernels. A
/// kernel that writes outside its span changes a sentinel (<see cref="AssertGuardsIntact"/>); one that reads outside
/// an input's span reads NaN, which then shows in its results (see <see cref="Sentinel"/>). The guards are wider than
/// any vector a kernel loads or stores.
/// </summary>
internal sealed class Guarded<T> where T : unmanaged, IEquatable<T>
{
    const int Guard = 80;

    readonly T[] all;
    readonly T sentinel;

    public int Length { get; }

    /// <summary>The kernel's view: <see cref="Length"/> elements between the guards.</summary>
    public Span<T> Span => all.AsSpan(Guard, Length);

    Guarded(int length, T sentinel, T fill)
    {
        Length = length;
        this.sentinel = sentinel;
        all = new T[length + 2 * Guard];
        all.AsSpan().Fill(sentinel);
        Span.Fill(fill);
    }

    /// <summary><paramref name="length"/> elements of <paramref name="fill"/> between guards of <paramref name="sentinel"/>.</summary>
    public static Guarded<T> Filled(int length, T fill, T sentinel) => new(length, sentinel, fill);

    /// <summary>A copy of <paramref name="values"/> between guards of <paramref name="sentinel"/>.</summary>
    public static Guarded<T> Of(T[] values, T sentinel)
    {
        var g = new Guarded<T>(values.Length, sentinel, default);
        values.CopyTo(g.Span);
        return g;
    }

    public T[] ToArray() => Span.ToArray();

    /// <summary>Fails, naming <paramref name="what"/> and the first changed guard, when anything outside the span changed.</summary>
    public void AssertGuardsIntact(string what)
    {
        // Compared by their bits, so NaN sentinels compare equal to themselves.
        var expected = MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in sentinel));
        for (int i = 0; i < all.Length; i++)
        {
            if (i == Guard) i += Length;
            if (i >= all.Length) break;
            if (!MemoryMarshal.AsBytes(all.AsSpan(i, 1)).SequenceEqual(expected))
                Assert.Fail($"{what}: the guard at offset {i - Guard} (span of {Length}) was overwritten with {all[i]}.");
        }
    }
}

/// <summary>The sentinels the sweeps use.</summary>
internal static class Sentinel
{
    /// <summary>
    /// Around what a kernel only reads: a quiet NaN with a payload no arithmetic produces, so a read outside the span
    /// poisons the result.
    /// </summary>
    public static readonly float Read = BitConverter.Int32BitsToSingle(0x7FC0_BEEF);

    /// <summary>
    /// Around what a kernel writes: a finite value no result takes, small enough that adding a gradient to it changes
    /// it. (A NaN would not do: adding to a NaN leaves its bits as they were; nor a huge value, which absorbs the sum.)
    /// </summary>
    public const float Write = -777.25f;

    /// <summary>An index no kernel writes.</summary>
    public const int Index = int.MinValue + 12345;

    /// <summary>A copy of <paramref name="values"/> for a kernel to read.</summary>
    public static Guarded<float> Around(float[] values) => Guarded<float>.Of(values, Read);

    /// <summary>A copy of <paramref name="values"/> for a kernel to add to.</summary>
    public static Guarded<float> Accumulator(float[] values) => Guarded<float>.Of(values, Write);

    /// <summary>A target of <paramref name="length"/> that starts as NaN: an element a kernel should write and does not stays NaN.</summary>
    public static Guarded<float> Target(int length) => Guarded<float>.Filled(length, Read, Write);

    public static Guarded<int> IndexTarget(int length) => Guarded<int>.Filled(length, Index, Index);
}
