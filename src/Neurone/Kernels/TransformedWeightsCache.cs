using System.Runtime.InteropServices;

namespace Neurone.Kernels;

/// <summary>
/// The Winograd-domain weights (<see cref="WinogradConvolution.TransformWeights"/>) of the last few layers a
/// thread ran, each kept with a copy of the weights it came from. A call whose weights equal a copy bit for bit
/// reuses that transform: inference and evaluation, where the weights stay put, skip the transform (at LeNet's
/// batch 1 it cost as much as the convolution), and a training step, whose weights changed, finds out at the first
/// differing float. Comparing the bits rather than trusting a pointer or a counter keeps it right whoever changed
/// the weights and how.
/// </summary>
internal sealed unsafe class TransformedWeightsCache
{
    /// <summary>
    /// The largest transform remembered (4 MB: 256 → 256 channels). A larger layer has so many multiplies per
    /// weight that transforming on every call costs little, and remembering four of them (with their copies)
    /// would hold hundreds of megabytes per thread.
    /// </summary>
    const int MaxRemembered = 1 << 20;

    sealed class Entry
    {
        public float[] Source = [], Transformed = [];
        public int Channels, OutChannels;
        public long LastUse;
    }

    /// <summary>Layers remembered, four: the CIFAR net has three Winograd layers, so more than one.</summary>
    readonly Entry[] entries = [new(), new(), new(), new()];
    readonly bool byOutput;
    long clock;
    float[] large = [];

    /// <param name="byOutput">Which layout this cache holds (see <see cref="WinogradConvolution.TransformWeights"/>).</param>
    public TransformedWeightsCache(bool byOutput) => this.byOutput = byOutput;

    /// <summary>
    /// The transform of the O×C×3×3 weight <paramref name="w"/>: a remembered one when the weights are unchanged,
    /// otherwise computed here into the least recently used entry (a layer too large to remember, every time). Valid
    /// until the next call.
    /// </summary>
    public float[] Get(float* w, int channels, int outChannels)
    {
        int size = outChannels * channels * 9, transformedSize = WinogradConvolution.TransformedSize(channels, outChannels);
        if (transformedSize > MaxRemembered)
        {
            if (large.Length < transformedSize) large = new float[transformedSize];
            fixed (float* u = large) WinogradConvolution.TransformWeights(w, channels, outChannels, u, byOutput);
            return large;
        }
        var weights = new ReadOnlySpan<int>(w, size);
        clock++;
        Entry oldest = entries[0];
        foreach (var e in entries)
        {
            if (e.Channels == channels && e.OutChannels == outChannels && weights.SequenceEqual(MemoryMarshal.Cast<float, int>(e.Source.AsSpan())))
            {
                e.LastUse = clock;
                return e.Transformed;
            }
            if (e.LastUse < oldest.LastUse) oldest = e;
        }
        if (oldest.Source.Length != size) oldest.Source = new float[size];
        if (oldest.Transformed.Length != transformedSize) oldest.Transformed = new float[transformedSize];
        new ReadOnlySpan<float>(w, size).CopyTo(oldest.Source);
        (oldest.Channels, oldest.OutChannels, oldest.LastUse) = (channels, outChannels, clock);
        fixed (float* u = oldest.Transformed)
            WinogradConvolution.TransformWeights(w, channels, outChannels, u, byOutput);
        return oldest.Transformed;
    }
}
