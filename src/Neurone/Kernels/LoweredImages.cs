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
        // One panel's positions as runs along output rows: where each run goes in the panel row, where it
        // starts in the image (tap (0, 0) of channel 0), and how long it is.
        int* at = stackalloc int[nr + 1], from = stackalloc int[nr + 1], length = stackalloc int[nr + 1];
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr), runs = 0;
            for (int q = j0 + jr, end = q + cols; q < end; runs++)
            {
                int image = q / p, r = q - image * p, oy = r / ow, ox = r - oy * ow;
                int len = Math.Min(ow - ox, end - q);
                at[runs] = q - (j0 + jr);
                from[runs] = image * inImage + oy * w + ox;
                length[runs] = len;
                q += len;
            }
            // The tap (channel c, kernel row ki, column kj) advances with t; counters, not divisions, since this
            // runs once per k step of every panel (25-row panels at batch 1: four per image).
            int c = p0 / area, ki = (p0 - c * area) / kw, kj = p0 - c * area - ki * kw;
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
}
