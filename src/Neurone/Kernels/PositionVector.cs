using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// Up to 16 consecutive output positions of a group of images (stride 1, no padding), planned once so that the
/// values under any tap at those positions load as one vector. Positions whose inputs lie within 32 floats of the
/// first's (16 positions of a narrow plane span two or three output rows) take one two-source permute of two
/// masked loads; positions in two such spans (across two images) take two permutes and a blend; anything else
/// goes lane by lane.
/// </summary>
internal unsafe struct PositionVector
{
    /// <summary>Permute indices of each span's lanes (0–31 within its two loads).</summary>
    public Vector512<int> OffsetsA, OffsetsB;
    /// <summary>The masks of each span's two loads: only the floats it spans.</summary>
    public Vector512<float> LowA, HighA, LowB, HighB;
    /// <summary>The lanes taken from the second span.</summary>
    public Vector512<float> FromB;
    /// <summary>Each span's first input; how many spans (1 or 2, 0 for lane by lane).</summary>
    public int BaseA, BaseB, Spans;
    fixed int lanes[16];                        // each lane's input offset, for the lane-by-lane case

    /// <summary>
    /// Plans positions [q, q + count) (count ≤ 16) of consecutive C×H×W images under geometry <paramref name="g"/>:
    /// offsets are those of each position's first input (tap 0 of channel 0).
    /// </summary>
    public static PositionVector Plan(in WindowGeometry g, int channels, int q, int count)
    {
        var plan = new PositionVector();
        int p = g.OutPlane, ow = g.OutWidth, w = g.Width, inImage = channels * g.InPlane;
        int image = q / p, r = q - image * p, oy = r / ow, ox = r - oy * ow;
        // Walk along output rows, then images: no divisions per lane. Lanes past count repeat the last position.
        for (int l = 0; l < 16; l++)
        {
            plan.lanes[l] = image * inImage + oy * w + ox;
            if (l + 1 >= count) continue;
            if (++ox == ow) { ox = 0; if (++oy == g.OutHeight) { oy = 0; image++; } }
        }
        // Greedy spans: lanes within 32 floats of their span's first.
        int split = 16;
        for (int l = 1; l < 16; l++)
            if (plan.lanes[l] - plan.lanes[0] >= 32) { split = l; break; }
        bool oneMore = split == 16 || plan.lanes[15] - plan.lanes[split] < 32;
        if (!oneMore) { plan.Spans = 0; return plan; }
        var offsets = stackalloc int[16];
        plan.BaseA = plan.lanes[0];
        for (int l = 0; l < 16; l++) offsets[l] = l < split ? plan.lanes[l] - plan.BaseA : 0;
        plan.OffsetsA = Vector512.Load(offsets);
        plan.LowA = LaneMasks.First512(plan.lanes[split - 1] - plan.BaseA + 1);
        plan.HighA = LaneMasks.First512(plan.lanes[split - 1] - plan.BaseA + 1 - 16);
        plan.Spans = 1;
        if (split == 16) return plan;
        plan.BaseB = plan.lanes[split];
        for (int l = 0; l < 16; l++) offsets[l] = l >= split ? plan.lanes[l] - plan.BaseB : 0;
        plan.OffsetsB = Vector512.Load(offsets);
        plan.LowB = LaneMasks.First512(plan.lanes[15] - plan.BaseB + 1);
        plan.HighB = LaneMasks.First512(plan.lanes[15] - plan.BaseB + 1 - 16);
        plan.FromB = ~LaneMasks.First512(split);
        plan.Spans = 2;
        return plan;
    }

    /// <summary>The values of one span of positions under one tap: two masked loads and a permute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Span(float* start, Vector512<int> offsets, Vector512<float> low, Vector512<float> high) =>
        Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(start, low, Vector512<float>.Zero), offsets, Avx512F.MaskLoad(start + 16, high, Vector512<float>.Zero));

    /// <summary>The values at the planned positions of the view <paramref name="tap"/> (the images shifted to one tap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly Vector512<float> Gather(float* tap)
    {
        if (Spans == 0) return LaneByLane(tap);
        var a = Span(tap + BaseA, OffsetsA, LowA, HighA);
        return Spans == 1 ? a : Vector512.ConditionalSelect(FromB, Span(tap + BaseB, OffsetsB, LowB, HighB), a);
    }

    readonly Vector512<float> LaneByLane(float* tap)
    {
        var values = stackalloc float[16];
        for (int l = 0; l < 16; l++) values[l] = tap[lanes[l]];
        return Vector512.Load(values);
    }
}
