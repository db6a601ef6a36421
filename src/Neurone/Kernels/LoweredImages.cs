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
        int vectors = (nr + 15) / 16, lastTap = TapOffset(p0 + kc - 1);
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
            if (IsPlain(plans, vectors, j0 + jr, cols, nr, lastTap))
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

    /// <summary>The input offset of tap t (channel, kernel row, kernel column) from the image's start.</summary>
    int TapOffset(int t)
    {
        int area = g.KernelArea, c = t / area, k = t - c * area, ki = k / g.KernelW;
        return c * g.InPlane + ki * g.Width + (k - ki * g.KernelW);
    }

    /// <summary>
    /// True when a full panel row of whole vectors from position <paramref name="q"/> can be gathered vector by
    /// vector: each vector's 16 positions lie in one image within 32 floats of its first (16 positions of a narrow
    /// plane span two or three output rows), and the 32 floats its two loads read, for every tap up to
    /// <paramref name="lastTap"/>, lie inside the images. Fills in each vector's first input and lane offsets.
    /// </summary>
    bool IsPlain(VectorPlan* plans, int vectors, int q, int cols, int nr, int lastTap)
    {
        if (cols != nr || nr % 16 != 0) return false;
        long end = (long)images * channels * g.InPlane;
        var offsets = stackalloc int[16];
        for (int v = 0; v < vectors; v++, q += 16)
        {
            int first = Input(q), last = Input(q + 15);
            if (q / g.OutPlane != (q + 15) / g.OutPlane || last - first >= 32 || first + lastTap + 32 > end) return false;
            for (int l = 0; l < 16; l++) offsets[l] = Input(q + l) - first;
            plans[v] = new VectorPlan { Base = first, Offsets = Vector512.Load(offsets) };
        }
        return true;
    }

    /// <summary>Where position q (image, output row, output column) starts in the images, at tap (0, 0) of channel 0.</summary>
    int Input(int q)
    {
        int p = g.OutPlane, ow = g.OutWidth, image = q / p, r = q - image * p, oy = r / ow;
        return image * channels * g.InPlane + oy * g.Width + (r - oy * ow);
    }

    /// <summary>A full panel of whole vectors, each gathered by one permute of two plain loads per tap.</summary>
    void PackPlain(VectorPlan* plans, int vectors, int c, int ki, int kj, int kc, float* dst, int nr)
    {
        int w = g.Width, kw = g.KernelW, kh = g.KernelH, plane = g.InPlane;
        var o0 = plans[0].Offsets;
        var o1 = vectors > 1 ? plans[1].Offsets : default;
        var o2 = vectors > 2 ? plans[2].Offsets : default;
        int b0 = plans[0].Base, b1 = vectors > 1 ? plans[1].Base : 0, b2 = vectors > 2 ? plans[2].Base : 0;
        for (int t = 0; t < kc; t++, dst += nr)
        {
            float* src = x + c * plane + ki * w + kj;
            if (++kj == kw) { kj = 0; if (++ki == kh) { ki = 0; c++; } }
            Avx512F.PermuteVar16x32x2(Vector512.Load(src + b0), o0, Vector512.Load(src + b0 + 16)).Store(dst);
            if (vectors > 1) Avx512F.PermuteVar16x32x2(Vector512.Load(src + b1), o1, Vector512.Load(src + b1 + 16)).Store(dst + 16);
            if (vectors > 2) Avx512F.PermuteVar16x32x2(Vector512.Load(src + b2), o2, Vector512.Load(src + b2 + 16)).Store(dst + 32);
        }
    }

    /// <summary>One vector of a plainly gathered panel row: its first position's input offset and each lane's offset from it.</summary>
    struct VectorPlan
    {
        public int Base;
        public Vector512<int> Offsets;        // lanes 16.. of the permute index the second load
    }
}
