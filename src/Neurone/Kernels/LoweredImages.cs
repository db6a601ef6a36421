using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The im2col column matrix of a group of images, (C·kH·kW) × (images·OH·OW), produced straight in the GEMM's
/// packed panel layout: each panel's k step (one tap) is the panel's positions read from the image under that tap,
/// a vector of 16 positions at a time as <see cref="PositionVector"/> plans it. For the layers <see cref="Im2Col"/>
/// lowers with one masked move per row (stride 1, no padding at either end, input rows of at most 16 floats); the values and
/// their order are those of Im2Col.Pack followed by packing, so a product gives the same bits either way.
/// </summary>
internal sealed unsafe class LoweredImages : IPanelSource
{
    [ThreadStatic] static LoweredImages? current;

    /// <summary>The calling thread's instance (a forward sets it up per group; nothing is allocated per call).</summary>
    public static LoweredImages Current => current ??= new LoweredImages();

    WindowGeometry g;
    int channels, images;
    float* x;

    /// <summary>True when this CPU and geometry can be lowered this way.</summary>
    public static bool Applies(in WindowGeometry g) => Applies(g, Simd.Best);

    /// <summary>True when <paramref name="level"/> and the geometry can be lowered this way (no padding at either end: see <see cref="Im2Col"/>).</summary>
    public static bool Applies(in WindowGeometry g, SimdLevel level) => Im2Col.IsNarrowValid(g, level);

    /// <summary>Images [0, <paramref name="count"/>) of C×H×W each, consecutive from <paramref name="first"/>.</summary>
    public LoweredImages Set(in WindowGeometry geometry, int channelCount, float* first, int count)
    {
        g = geometry; channels = channelCount; x = first; images = count;
        return this;
    }

    public void PackB(int p0, int kc, int j0, int nc, float* dst, int nr)
    {
        int taps = channels * g.KernelArea;
        if (p0 < 0 || p0 + kc > taps || j0 < 0 || j0 + nc > images * g.OutPlane)
            throw new ArgumentException($"lowered images: panels of taps [{p0}, {p0 + kc}) and positions [{j0}, {j0 + nc}) asked, the images have {taps} taps and {images * g.OutPlane} positions.");
        // Where each tap of the range reads, relative to a position's first input.
        int* tapAt = stackalloc int[kc];
        g.TapOffsets(p0, kc, tapAt);
        int vectors = (nr + 15) / 16;
        var plans = stackalloc PositionVector[vectors];
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            // A panel row is up to three vectors of 16 positions.
            bool plain = cols == nr && vectors <= 3;
            for (int v = 0; v < vectors; v++)
            {
                int count = Math.Clamp(cols - 16 * v, 0, 16);
                if (count > 0) plans[v] = PositionVector.Plan(g, channels, j0 + jr + 16 * v, count);
                plain &= count > 0 && plans[v].Spans == 1;
            }
            // Most panels: every vector in one span, gathered together tap by tap.
            if (plain) { PackPlain(plans, vectors, tapAt, kc, dst, nr); continue; }
            // A panel across two images, or a ragged last one: vector by vector.
            for (int v = 0; v < vectors; v++)
            {
                int count = Math.Clamp(cols - 16 * v, 0, 16);
                var store = LaneMasks.First512(nr - 16 * v);
                if (count == 0)
                {
                    // A last panel's padding.
                    for (int t = 0; t < kc; t++) Avx512F.MaskStore(dst + t * nr + 16 * v, store, Vector512<float>.Zero);
                    continue;
                }
                Column(plans[v], tapAt, kc, dst + 16 * v, nr, store, LaneMasks.First512(count));
            }
        }
    }

    /// <summary>
    /// A full panel whose vectors each lie in one span: each gathered by one permute of two loads per tap. The
    /// loads are masked to the floats the vector's positions span, so they never read past the images; a last
    /// vector narrower than 16 is stored masked, so it never writes past the panel.
    /// </summary>
    void PackPlain(PositionVector* plans, int vectors, int* tapAt, int kc, float* dst, int nr)
    {
        var o0 = plans[0].OffsetsA;
        var o1 = vectors > 1 ? plans[1].OffsetsA : default;
        var o2 = vectors > 2 ? plans[2].OffsetsA : default;
        float* b0 = x + plans[0].BaseA, b1 = x + (vectors > 1 ? plans[1].BaseA : 0), b2 = x + (vectors > 2 ? plans[2].BaseA : 0);
        var lo0 = plans[0].LowA; var hi0 = plans[0].HighA;
        var lo1 = vectors > 1 ? plans[1].LowA : default; var hi1 = vectors > 1 ? plans[1].HighA : default;
        var lo2 = vectors > 2 ? plans[2].LowA : default; var hi2 = vectors > 2 ? plans[2].HighA : default;
        var last = LaneMasks.First512(nr - 16 * (vectors - 1));
        for (int t = 0; t < kc; t++, dst += nr)
        {
            int at = tapAt[t];
            var v0 = PositionVector.Span(b0 + at, o0, lo0, hi0);
            if (vectors == 1) { Avx512F.MaskStore(dst, last, v0); continue; }
            v0.Store(dst);
            var v1 = PositionVector.Span(b1 + at, o1, lo1, hi1);
            if (vectors == 2) { Avx512F.MaskStore(dst + 16, last, v1); continue; }
            v1.Store(dst + 16);
            Avx512F.MaskStore(dst + 32, last, PositionVector.Span(b2 + at, o2, lo2, hi2));
        }
    }

    /// <summary>
    /// One vector of a panel row under each of <paramref name="kc"/> taps, rows <paramref name="nr"/> apart: the
    /// lanes under <paramref name="store"/> are written, those outside <paramref name="keep"/> as zero (past the
    /// last position). The plan's vectors are held in locals, so the loop over taps keeps them in registers.
    /// </summary>
    void Column(in PositionVector positions, int* tapAt, int kc, float* dst, int nr, Vector512<float> store, Vector512<float> keep)
    {
        float* a = x + positions.BaseA, b = x + positions.BaseB;
        var (offsetsA, loA, hiA) = (positions.OffsetsA, positions.LowA, positions.HighA);
        var (offsetsB, loB, hiB, fromB) = (positions.OffsetsB, positions.LowB, positions.HighB, positions.FromB);
        switch (positions.Spans)
        {
            case 1:
                for (int t = 0; t < kc; t++)
                    Avx512F.MaskStore(dst + t * nr, store, PositionVector.Span(a + tapAt[t], offsetsA, loA, hiA) & keep);
                break;
            case 2:
                for (int t = 0; t < kc; t++)
                {
                    var v = Vector512.ConditionalSelect(fromB, PositionVector.Span(b + tapAt[t], offsetsB, loB, hiB),
                        PositionVector.Span(a + tapAt[t], offsetsA, loA, hiA));
                    Avx512F.MaskStore(dst + t * nr, store, v & keep);
                }
                break;
            default:
                for (int t = 0; t < kc; t++)
                    Avx512F.MaskStore(dst + t * nr, store, positions.Gather(x + tapAt[t]) & keep);
                break;
        }
    }
}
