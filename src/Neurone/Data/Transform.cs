namespace Neurone.Data;

/// <summary>
/// A change applied to the features of a batch as it is made, in place: <c>rows</c> samples
/// of <c>sampleSize</c> floats each, one after another. Transforms that need statistics (such as
/// <see cref="Normalize"/>) are fitted on the training split once and then reused unchanged for
/// validation and test data, so no information leaks from those splits.
/// </summary>
public abstract class Transform
{
    /// <summary>Transforms <paramref name="rows"/> consecutive samples in <paramref name="batch"/> in place.</summary>
    public abstract void Apply(Span<float> batch, int rows);
}
