using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The forward convolution computed straight from the image, for layers with few taps per output
/// (C·kH·kW ≤ <see cref="MaxTaps"/>: a network's first layer, LeNet's 1×3×3 or a colour image's 3×3×3), stride
/// 1, no padding, no dilation. Lowering such a layer to a matrix product gives a product only 9 or 27 deep,
/// where the GEMM spends its time storing C and packing; here each output row is 16 lanes wide, 8 output
/// channels share every input load, and each output is written once.
/// </summary>
/// <remarks>
/// Every output is the same fused multiply-add chain over the taps in order, started from zero, with the bias
/// added last: exactly what the GEMM's microkernel and epilogue compute for a product of depth ≤ its k block,
/// so both paths give the same bits.
/// </remarks>
internal static unsafe class DirectConvolution
{
    /// <summary>The most taps (C·kH·kW) the direct path takes; far below the GEMM's k block, so its product is one block too.</summary>
    public const int MaxTaps = 32;

    /// <summary>True when this CPU and geometry can take the direct path.</summary>
    public static bool Applies(in WindowGeometry g, int taps) =>
        Avx512F.IsSupported && taps <= MaxTaps
        && g.StrideH == 1 && g.StrideW == 1 && g.PadH == 0 && g.PadW == 0 && g.DilationH == 1 && g.DilationW == 1;

    /// <summary>
    /// output[o·ld + oy·OW + ox] = Σ_taps weight[o, tap]·image[tap's pixel] (+ bias[o]) for output channels
    /// [o0, o1) of one C×H×W image; <paramref name="bias"/> may be null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in WindowGeometry g, int channels, float* image, float* weight, float* bias, int o0, int o1, float* output, int ld)
    {
        int taps = channels * g.KernelArea, ow = g.OutWidth, oh = g.OutHeight, w = g.Width;
        int* offset = stackalloc int[taps];
        for (int c = 0, t = 0; c < channels; c++)
            for (int ki = 0; ki < g.KernelH; ki++)
                for (int kj = 0; kj < g.KernelW; kj++)
                    offset[t++] = c * g.InPlane + ki * w + kj;
        for (int ob = o0; ob < o1; ob += 8)
        {
            // A block of 8 channels; past the last channel the weights of the last one are reused and not stored.
            int count = Math.Min(8, o1 - ob);
            float* w0 = weight + (nint)ob * taps, w1 = weight + (nint)Math.Min(ob + 1, o1 - 1) * taps;
            float* w2 = weight + (nint)Math.Min(ob + 2, o1 - 1) * taps, w3 = weight + (nint)Math.Min(ob + 3, o1 - 1) * taps;
            float* w4 = weight + (nint)Math.Min(ob + 4, o1 - 1) * taps, w5 = weight + (nint)Math.Min(ob + 5, o1 - 1) * taps;
            float* w6 = weight + (nint)Math.Min(ob + 6, o1 - 1) * taps, w7 = weight + (nint)Math.Min(ob + 7, o1 - 1) * taps;
            for (int x0 = 0; x0 < ow; x0 += 16)
            {
                var mask = LaneMasks.First512(ow - x0);
                for (int oy = 0; oy < oh; oy++)
                {
                    float* src = image + oy * w + x0;
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
                    for (int t = 0; t < taps; t++)
                    {
                        var v = Avx512F.MaskLoad(src + offset[t], mask, Vector512<float>.Zero);
                        a0 = Vector512.FusedMultiplyAdd(Vector512.Create(w0[t]), v, a0);
                        a1 = Vector512.FusedMultiplyAdd(Vector512.Create(w1[t]), v, a1);
                        a2 = Vector512.FusedMultiplyAdd(Vector512.Create(w2[t]), v, a2);
                        a3 = Vector512.FusedMultiplyAdd(Vector512.Create(w3[t]), v, a3);
                        a4 = Vector512.FusedMultiplyAdd(Vector512.Create(w4[t]), v, a4);
                        a5 = Vector512.FusedMultiplyAdd(Vector512.Create(w5[t]), v, a5);
                        a6 = Vector512.FusedMultiplyAdd(Vector512.Create(w6[t]), v, a6);
                        a7 = Vector512.FusedMultiplyAdd(Vector512.Create(w7[t]), v, a7);
                    }
                    float* dst = output + (nint)ob * ld + oy * ow + x0;
                    Store(dst, mask, a0, bias, ob, 0, count);
                    Store(dst + ld, mask, a1, bias, ob, 1, count);
                    Store(dst + 2 * ld, mask, a2, bias, ob, 2, count);
                    Store(dst + 3 * ld, mask, a3, bias, ob, 3, count);
                    Store(dst + 4 * ld, mask, a4, bias, ob, 4, count);
                    Store(dst + 5 * ld, mask, a5, bias, ob, 5, count);
                    Store(dst + 6 * ld, mask, a6, bias, ob, 6, count);
                    Store(dst + 7 * ld, mask, a7, bias, ob, 7, count);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* dst, Vector512<float> mask, Vector512<float> sum, float* bias, int block, int j, int count)
    {
        if (j >= count) return;
        if (bias != null) sum += Vector512.Create(bias[block + j]);
        Avx512F.MaskStore(dst, mask, sum);
    }
}
