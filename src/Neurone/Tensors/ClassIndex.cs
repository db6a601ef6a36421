namespace Neurone.Tensors;

/// <summary>
/// The one test of "is this float a class index below <c>classes</c>": a whole number ≥ 0 compared
/// with the count in double precision. Comparing with the int count as a float would round the count
/// above 2^24 (50,000,001 becomes 50,000,000) and refuse the largest label, or accept one past the end.
/// </summary>
internal static class ClassIndex
{
    /// <summary>True when <paramref name="label"/> is a whole number in [0, <paramref name="classes"/>); false for NaN.</summary>
    public static bool IsValid(float label, int classes) =>
        label >= 0 && label == MathF.Floor(label) && (double)label < classes;
}
