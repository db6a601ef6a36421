using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The transpose of a group of images' im2col matrix, (images·OH·OW) × (C·kH·kW), produced straight in the GEMM's
/// packed panel layout: the right operand of the weight gradient dW = dY·colsᵀ. A panel's k step is one output
/// position and holds the values under consecutive taps there. Packing that from the column matrix meant writing
/// the matrix out (im2col) and transposing it into the panels; here each block of 16 positions × 16 taps is
/// gathered tap by tap (one vector of 16 positions, as <see cref="LoweredImages"/> does) and transposed in
/// registers. For the layers <see cref="LoweredImages"/> takes; the same values as Im2Col.Pack followed by
/// packing colsᵀ, so the product gives the same bits either way.
/// </summary>
internal sealed unsafe class TransposedLoweredImages : IPanelSource
{
    [ThreadStatic] static TransposedLoweredImages? current;

    /// <summary>The calling thread's instance (a backward sets it up per group; nothing is allocated per call).</summary>
    public static TransposedLoweredImages Current => current ??= new TransposedLoweredImages();

    WindowGeometry g;
    int channels, images;
    float* x;

    /// <summary>True when this CPU and geometry can be lowered this way.</summary>
    public static bool Applies(in WindowGeometry g) => Applies(g, Simd.Best);

    /// <summary>True when <paramref name="level"/> and the geometry can be lowered this way.</summary>
    public static bool Applies(in WindowGeometry g, SimdLevel level) => LoweredImages.Applies(g, level);

    /// <summary>Images [0, <paramref name="count"/>) of C×H×W each, consecutive from <paramref name="first"/>.</summary>
    public TransposedLoweredImages Set(in WindowGeometry geometry, int channelCount, float* first, int count)
    {
        g = geometry; channels = channelCount; x = first; images = count;
        return this;
    }

    public void PackB(int p0, int kc, int j0, int nc, float* dst, int nr)
    {
        int taps = channels * g.KernelArea;
        if (p0 < 0 || p0 + kc > images * g.OutPlane || j0 < 0 || j0 + nc > taps)
            throw new ArgumentException($"transposed lowered images: panels of positions [{p0}, {p0 + kc}) and taps [{j0}, {j0 + nc}) asked, the images have {images * g.OutPlane} positions and {taps} taps.");
        // Where each tap of the range reads, relative to a position's first input, for whole blocks of 16 taps;
        // the taps past the range read tap j0 and are cut to zero when stored (a last panel's padding).
        int panels = (nc + nr - 1) / nr, slots = panels * nr + 16;
        int* tapAt = stackalloc int[slots];
        g.TapOffsets(j0, nc, tapAt);
        new Span<int>(tapAt + nc, slots - nc).Fill(tapAt[0]);
        var gathered = stackalloc Vector512<float>[16];
        for (int k0 = 0; k0 < kc; k0 += 16)
        {
            int count = Math.Min(16, kc - k0);
            var positions = PositionVector.Plan(g, channels, p0 + k0, count);
            // The plan's vectors in locals, so the loop over taps keeps them in registers.
            int spans = positions.Spans;
            float* a = x + positions.BaseA, b = x + positions.BaseB;
            var (offsetsA, loA, hiA) = (positions.OffsetsA, positions.LowA, positions.HighA);
            var (offsetsB, loB, hiB, fromB) = (positions.OffsetsB, positions.LowB, positions.HighB, positions.FromB);
            for (int panel = 0; panel < panels; panel++)
            {
                float* rows = dst + (nint)panel * nr * kc + (nint)k0 * nr;
                for (int jt = 0; jt < nr; jt += 16)
                {
                    int* at = tapAt + panel * nr + jt;
                    int valid = Math.Min(16, nc - panel * nr - jt);
                    var keep = LaneMasks.First512(valid);
                    var mask = LaneMasks.First512(nr - jt);
                    if (spans == 1) Block(a, at, offsetsA, loA, hiA, rows + jt, nr, count, mask, keep);
                    else if (spans == 2) Block(a, b, at, offsetsA, loA, hiA, offsetsB, loB, hiB, fromB, rows + jt, nr, count, mask, keep);
                    else
                    {
                        for (int t = 0; t < 16; t++) gathered[t] = positions.Gather(x + at[t]);
                        Transpose16.Store(gathered[0], gathered[1], gathered[2], gathered[3], gathered[4], gathered[5], gathered[6], gathered[7],
                            gathered[8], gathered[9], gathered[10], gathered[11], gathered[12], gathered[13], gathered[14], gathered[15],
                            rows + jt, nr, count, mask, keep);
                    }
                }
            }
        }
    }

    /// <summary>16 taps × 16 positions in one span: a permute of two masked loads per tap, then the transpose.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block(float* a, int* at, Vector512<int> ia, Vector512<float> loA, Vector512<float> hiA,
        float* dst, nint ld, int count, Vector512<float> mask, Vector512<float> keep)
    {
        Vector512<float> One(int t) => PositionVector.Span(a + at[t], ia, loA, hiA);
        Transpose16.Store(One(0), One(1), One(2), One(3), One(4), One(5), One(6), One(7),
            One(8), One(9), One(10), One(11), One(12), One(13), One(14), One(15), dst, ld, count, mask, keep);
    }

    /// <summary>As the other <c>Block</c>, for positions in two spans (across two images): two permutes and a blend per tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Block(float* a, float* b, int* at, Vector512<int> ia, Vector512<float> loA, Vector512<float> hiA,
        Vector512<int> ib, Vector512<float> loB, Vector512<float> hiB, Vector512<float> fromB,
        float* dst, nint ld, int count, Vector512<float> mask, Vector512<float> keep)
    {
        Vector512<float> Two(int t) =>
            Vector512.ConditionalSelect(fromB, PositionVector.Span(b + at[t], ib, loB, hiB), PositionVector.Span(a + at[t], ia, loA, hiA));
        Transpose16.Store(Two(0), Two(1), Two(2), Two(3), Two(4), Two(5), Two(6), Two(7),
            Two(8), Two(9), Two(10), Two(11), Two(12), Two(13), Two(14), Two(15), dst, ld, count, mask, keep);
    }
}
