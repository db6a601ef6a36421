namespace Neurone.Optim;

/// <summary>
/// One parameter's state buffers, seen over the same element range as the parameter slice being
/// updated: <c>buffers[s]</c> is buffer s from <see cref="Offset"/> for <see cref="Length"/> elements. Lets
/// <see cref="Optimizer.Step"/> split a large parameter across threads with no change to the kernels.
/// </summary>
public readonly struct StateSlice(float[][] buffers, int offset, int length)
{
    /// <summary>Buffer <paramref name="slot"/> over the slice's range.</summary>
    public Span<float> this[int slot] => buffers[slot].AsSpan(offset, length);

    /// <summary>The first element of the range within the whole parameter.</summary>
    public int Offset => offset;

    /// <summary>The number of elements in the range.</summary>
    public int Length => length;
}
