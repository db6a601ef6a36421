using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The im2col column matrix of a group of images, (C·kH·kW) × (images·OH·OW), produced straight in the GEMM's
/// packed panel layout: each panel's k step (one tap) is the panel's positions read from the image under that tap.
/// For the layers <see cref="Im2Col"/> lowers with one masked move per row (stride 1, no padding, input rows of
/// at most 16 floats); the values and their order are those of Im2Col.Pack followed by packing, so a product
/// gives the same bits either way.
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
    public static bool Applies(in WindowGeometry g) => Im2Col.IsNarrowValid(g);

    /// <summary>Images [0, <paramref name="count"/>) of C×H×W each, consecutive from <paramref name="first"/>.</summary>
    public LoweredImages Set(in WindowGeometry geometry, int channelCount, float* first, int count)
    {
        g = geometry; channels = channelCount; x = first; images = count;
        return this;
    }

    public void PackB(int p0, int kc, int j0, int nc, float* dst, int nr)
    {
        int p = g.OutPlane, ow = g.OutWidth, w = g.Width, kw = g.KernelW, kh = g.KernelH, area = g.KernelArea;
        int inImage = channels * g.InPlane;
        if (p0 < 0 || p0 + kc > channels * area || j0 < 0 || j0 + nc > images * p)
            throw new ArgumentException($"lowered images: panels of taps [{p0}, {p0 + kc}) and positions [{j0}, {j0 + nc}) asked, the images have {channels * area} taps and {images * p} positions.");
        int vectors = (nr + 15) / 16;
        var plans = stackalloc VectorPlan[vectors];
        // One panel's positions as runs along output rows: where each run goes in the panel row, where it
        // starts in the image (tap (0, 0) of channel 0), and how long it is.
        int* at = stackalloc int[nr + 1], from = stackalloc int[nr + 1], length = stackalloc int[nr + 1];
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            // The tap (channel c, kernel row ki, column kj) advances with t; counters, not divisions, since this
            // runs once per k step of every panel (25-row panels at batch 1: four per image).
            int c = p0 / area, ki = (p0 - c * area) / kw, kj = p0 - c * area - ki * kw;
            // Most panels: each vector of 16 positions gathered by one permute per tap. A panel across two images,
            // or a ragged last one: as runs along output rows, one masked move per run.
            if (IsPlain(plans, vectors, j0 + jr, cols, nr))
            {
                PackPlain(plans, vectors, c, ki, kj, kc, dst, nr);
                continue;
            }
            int runs = 0;
            for (int q = j0 + jr, end = q + cols; q < end; runs++)
            {
                int image = q / p, r = q - image * p, oy = r / ow, ox = r - oy * ow;
                int len = Math.Min(ow - ox, end - q);
                at[runs] = q - (j0 + jr);
                from[runs] = image * inImage + oy * w + ox;
                length[runs] = len;
                q += len;
            }
            for (int t = p0; t < p0 + kc; t++)
            {
                float* src = x + c * g.InPlane + ki * w + kj;
                float* row = dst + (t - p0) * nr;
                if (++kj == kw) { kj = 0; if (++ki == kh) { ki = 0; c++; } }
                for (int s = 0; s < runs; s++)
                {
                    var mask = LaneMasks.First512(length[s]);
                    Avx512F.MaskStore(row + at[s], mask, Avx512F.MaskLoad(src + from[s], mask, Vector512<float>.Zero));
                }
                // Zero-padding of a last, partial panel (at most 48 − 1 floats, one or three masked stores).
                for (int z = cols; z < nr; z += 16)
                    Avx512F.MaskStore(row + z, LaneMasks.First512(nr - z), Vector512<float>.Zero);
            }
        }
    }

    /// <summary>
    /// True when a full panel row from position <paramref name="q"/> can be gathered vector by vector: each
    /// vector's positions (16, or fewer in a last vector of a panel not a multiple of 16 wide) lie in one image
    /// within 32 floats of its first (16 positions of a narrow plane span two or three output rows). Fills in
    /// each vector's first input, its lanes' offsets from it and how many floats its two loads span.
    /// </summary>
    bool IsPlain(VectorPlan* plans, int vectors, int q, int cols, int nr)
    {
        if (cols != nr || vectors > 3) return false;
        int p = g.OutPlane, ow = g.OutWidth, oh = g.OutHeight, w = g.Width;
        var offsets = stackalloc int[16];
        for (int v = 0; v < vectors; v++, q += 16)
        {
            // Walk the vector's positions along output rows: no divisions per lane.
            int count = Math.Min(16, nr - 16 * v), image = q / p, r = q - image * p, oy = r / ow, ox = r - oy * ow, offset = 0;
            int first = image * channels * g.InPlane + oy * w + ox;
            new Span<int>(offsets, 16).Clear();
            for (int l = 0; l < count; l++)
            {
                offsets[l] = offset;
                if (l == count - 1) break;
                if (++ox < ow) offset++;
                else if (++oy < oh) { ox = 0; offset += w - ow + 1; }
                else return false;                // the next position is in the next image
            }
            int span = offsets[count - 1] + 1;
            if (span > 32) return false;
            plans[v] = new VectorPlan { Base = first, Offsets = Vector512.Load(offsets), Span = span, Count = count };
        }
        return true;
    }

    /// <summary>
    /// A full panel, each vector gathered by one permute of two loads per tap. The loads are masked to the
    /// floats the vector's positions span, so they never read past the images; a last vector narrower than 16
    /// is stored masked, so it never writes past the panel.
    /// </summary>
    void PackPlain(VectorPlan* plans, int vectors, int c, int ki, int kj, int kc, float* dst, int nr)
    {
        int w = g.Width, kw = g.KernelW, kh = g.KernelH, plane = g.InPlane;
        var zero = Vector512<float>.Zero;
        var o0 = plans[0].Offsets;
        var o1 = vectors > 1 ? plans[1].Offsets : default;
        var o2 = vectors > 2 ? plans[2].Offsets : default;
        int b0 = plans[0].Base, b1 = vectors > 1 ? plans[1].Base : 0, b2 = vectors > 2 ? plans[2].Base : 0;
        var lo0 = LaneMasks.First512(plans[0].Span);
        var hi0 = LaneMasks.First512(plans[0].Span - 16);
        var lo1 = LaneMasks.First512(vectors > 1 ? plans[1].Span : 0);
        var hi1 = LaneMasks.First512(vectors > 1 ? plans[1].Span - 16 : 0);
        var lo2 = LaneMasks.First512(vectors > 2 ? plans[2].Span : 0);
        var hi2 = LaneMasks.First512(vectors > 2 ? plans[2].Span - 16 : 0);
        var last = LaneMasks.First512(plans[vectors - 1].Count);
        for (int t = 0; t < kc; t++, dst += nr)
        {
            float* src = x + c * plane + ki * w + kj;
            if (++kj == kw) { kj = 0; if (++ki == kh) { ki = 0; c++; } }
            var v0 = Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(src + b0, lo0, zero), o0, Avx512F.MaskLoad(src + b0 + 16, hi0, zero));
            if (vectors == 1) { Avx512F.MaskStore(dst, last, v0); continue; }
            v0.Store(dst);
            var v1 = Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(src + b1, lo1, zero), o1, Avx512F.MaskLoad(src + b1 + 16, hi1, zero));
            if (vectors == 2) { Avx512F.MaskStore(dst + 16, last, v1); continue; }
            v1.Store(dst + 16);
            var v2 = Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(src + b2, lo2, zero), o2, Avx512F.MaskLoad(src + b2 + 16, hi2, zero));
            Avx512F.MaskStore(dst + 32, last, v2);
        }
    }

    /// <summary>One vector of a plainly gathered panel row: its first position's input offset and each lane's offset from it.</summary>
    struct VectorPlan
    {
        public int Base, Span, Count;         // first input offset; floats the positions span; positions (≤ 16)
        public Vector512<int> Offsets;        // lanes 16.. of the permute index the second load
    }
}
