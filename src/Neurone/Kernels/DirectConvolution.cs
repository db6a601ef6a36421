using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// The forward convolution computed straight from the image, for layers with few taps per output
/// (C·kH·kW ≤ <see cref="MaxTaps"/>: a network's first layer, LeNet's 1×3×3 or a colour image's 3×3×3), stride
/// 1, no padding at either end (<see cref="WindowGeometry.IsUnpadded"/>), no dilation. Lowering such a layer to a matrix product gives a product only 9 or 27 deep,
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
    public static bool Applies(in WindowGeometry g, int taps) => Applies(g, taps, Simd.Best);

    /// <summary>
    /// True when <paramref name="level"/> and the geometry can take the direct path. Each output row reads its taps
    /// as runs of OW inputs, so a window past the input's end (the trailing padding of an even "same" kernel) would
    /// read the next row: such layers go to im2col, whose rows stop at the input's edge.
    /// </summary>
    public static bool Applies(in WindowGeometry g, int taps, SimdLevel level) =>
        level == SimdLevel.Vector512 && taps <= MaxTaps
        && g.StrideH == 1 && g.StrideW == 1 && g.IsUnpadded && g.DilationH == 1 && g.DilationW == 1;

    /// <summary>
    /// output[o·ld + oy·OW + ox] = Σ_taps weight[o, tap]·image[tap's pixel] (+ bias[o]) for output channels
    /// [o0, o1) of one C×H×W image; <paramref name="bias"/> may be null.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(in WindowGeometry g, int channels, float* image, float* weight, float* bias, int o0, int o1, float* output, int ld)
    {
        int taps = channels * g.KernelArea, ow = g.OutWidth, oh = g.OutHeight, w = g.Width;
        int* offset = stackalloc int[taps];
        g.TapOffsets(0, taps, offset);
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

    /// <summary>
    /// gradWeight[o·taps + t] = beta·gradWeight[o·taps + t] + Σ_p gradOutput[o·ldy + p]·cols[t·ldc + p] over
    /// positions p in [0, <paramref name="positions"/>): the weight gradient of one lowered image (or group), for
    /// layers with at most <see cref="MaxTaps"/> taps. As a GEMM this product is only <c>taps</c> columns wide
    /// (LeNet's first layer: 32×9, 676 deep), so the GEMM's 32-wide tiles ran a quarter full and it transposed
    /// the columns to pack them; here both operands are read along their rows as they lie, 8 output channels
    /// times 3 taps at a time, one vector of positions per step.
    /// </summary>
    /// <remarks>
    /// Each weight's sum is its own 16 lane partial sums (positions p ≡ lane mod 16, in order), added up by
    /// <see cref="Vector512.Sum{T}(Vector512{T})"/>: a fixed order whatever the block it falls in.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightGradient(int outChannels, int taps, int positions, float* gradOutput, nint ldy, float* cols, nint ldc,
        float* gradWeight, float beta)
    {
        for (int ob = 0; ob < outChannels; ob += 8)
            for (int tb = 0; tb < taps; tb += 3)
            {
                // Past the last channel or tap the last one is reused and its sums are not stored.
                int oCount = Math.Min(8, outChannels - ob), tCount = Math.Min(3, taps - tb);
                float* y0 = Row(gradOutput, ldy, ob + 0, outChannels), y1 = Row(gradOutput, ldy, ob + 1, outChannels);
                float* y2 = Row(gradOutput, ldy, ob + 2, outChannels), y3 = Row(gradOutput, ldy, ob + 3, outChannels);
                float* y4 = Row(gradOutput, ldy, ob + 4, outChannels), y5 = Row(gradOutput, ldy, ob + 5, outChannels);
                float* y6 = Row(gradOutput, ldy, ob + 6, outChannels), y7 = Row(gradOutput, ldy, ob + 7, outChannels);
                float* t0 = Row(cols, ldc, tb, taps), t1 = Row(cols, ldc, tb + 1, taps), t2 = Row(cols, ldc, tb + 2, taps);
                Vector512<float> a00 = default, a01 = default, a02 = default;
                Vector512<float> a10 = default, a11 = default, a12 = default;
                Vector512<float> a20 = default, a21 = default, a22 = default;
                Vector512<float> a30 = default, a31 = default, a32 = default;
                Vector512<float> a40 = default, a41 = default, a42 = default;
                Vector512<float> a50 = default, a51 = default, a52 = default;
                Vector512<float> a60 = default, a61 = default, a62 = default;
                Vector512<float> a70 = default, a71 = default, a72 = default;
                for (int q = 0; q < positions; q += 16)
                {
                    var mask = LaneMasks.First512(positions - q);
                    var c0 = Avx512F.MaskLoad(t0 + q, mask, Vector512<float>.Zero);
                    var c1 = Avx512F.MaskLoad(t1 + q, mask, Vector512<float>.Zero);
                    var c2 = Avx512F.MaskLoad(t2 + q, mask, Vector512<float>.Zero);
                    var d0 = Avx512F.MaskLoad(y0 + q, mask, Vector512<float>.Zero);
                    a00 = Vector512.FusedMultiplyAdd(d0, c0, a00); a01 = Vector512.FusedMultiplyAdd(d0, c1, a01); a02 = Vector512.FusedMultiplyAdd(d0, c2, a02);
                    var d1 = Avx512F.MaskLoad(y1 + q, mask, Vector512<float>.Zero);
                    a10 = Vector512.FusedMultiplyAdd(d1, c0, a10); a11 = Vector512.FusedMultiplyAdd(d1, c1, a11); a12 = Vector512.FusedMultiplyAdd(d1, c2, a12);
                    var d2 = Avx512F.MaskLoad(y2 + q, mask, Vector512<float>.Zero);
                    a20 = Vector512.FusedMultiplyAdd(d2, c0, a20); a21 = Vector512.FusedMultiplyAdd(d2, c1, a21); a22 = Vector512.FusedMultiplyAdd(d2, c2, a22);
                    var d3 = Avx512F.MaskLoad(y3 + q, mask, Vector512<float>.Zero);
                    a30 = Vector512.FusedMultiplyAdd(d3, c0, a30); a31 = Vector512.FusedMultiplyAdd(d3, c1, a31); a32 = Vector512.FusedMultiplyAdd(d3, c2, a32);
                    var d4 = Avx512F.MaskLoad(y4 + q, mask, Vector512<float>.Zero);
                    a40 = Vector512.FusedMultiplyAdd(d4, c0, a40); a41 = Vector512.FusedMultiplyAdd(d4, c1, a41); a42 = Vector512.FusedMultiplyAdd(d4, c2, a42);
                    var d5 = Avx512F.MaskLoad(y5 + q, mask, Vector512<float>.Zero);
                    a50 = Vector512.FusedMultiplyAdd(d5, c0, a50); a51 = Vector512.FusedMultiplyAdd(d5, c1, a51); a52 = Vector512.FusedMultiplyAdd(d5, c2, a52);
                    var d6 = Avx512F.MaskLoad(y6 + q, mask, Vector512<float>.Zero);
                    a60 = Vector512.FusedMultiplyAdd(d6, c0, a60); a61 = Vector512.FusedMultiplyAdd(d6, c1, a61); a62 = Vector512.FusedMultiplyAdd(d6, c2, a62);
                    var d7 = Avx512F.MaskLoad(y7 + q, mask, Vector512<float>.Zero);
                    a70 = Vector512.FusedMultiplyAdd(d7, c0, a70); a71 = Vector512.FusedMultiplyAdd(d7, c1, a71); a72 = Vector512.FusedMultiplyAdd(d7, c2, a72);
                }
                PutRow(gradWeight + (nint)(ob + 0) * taps + tb, 0 < oCount, tCount, a00, a01, a02, beta);
                PutRow(gradWeight + (nint)(ob + 1) * taps + tb, 1 < oCount, tCount, a10, a11, a12, beta);
                PutRow(gradWeight + (nint)(ob + 2) * taps + tb, 2 < oCount, tCount, a20, a21, a22, beta);
                PutRow(gradWeight + (nint)(ob + 3) * taps + tb, 3 < oCount, tCount, a30, a31, a32, beta);
                PutRow(gradWeight + (nint)(ob + 4) * taps + tb, 4 < oCount, tCount, a40, a41, a42, beta);
                PutRow(gradWeight + (nint)(ob + 5) * taps + tb, 5 < oCount, tCount, a50, a51, a52, beta);
                PutRow(gradWeight + (nint)(ob + 6) * taps + tb, 6 < oCount, tCount, a60, a61, a62, beta);
                PutRow(gradWeight + (nint)(ob + 7) * taps + tb, 7 < oCount, tCount, a70, a71, a72, beta);
            }
    }

    /// <summary>Row <paramref name="i"/> of a matrix of <paramref name="count"/> rows, or its last row past the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float* Row(float* matrix, nint ld, int i, int count) => matrix + Math.Min(i, count - 1) * ld;

    /// <summary>Stores the first <paramref name="taps"/> of one channel's three tap sums, if the channel is real.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PutRow(float* target, bool real, int taps, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, float beta)
    {
        if (!real) return;
        Put(target, s0, beta);
        if (taps > 1) Put(target + 1, s1, beta);
        if (taps > 2) Put(target + 2, s2, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put(float* target, Vector512<float> sum, float beta)
    {
        float s = Vector512.Sum(sum);
        *target = beta == 0f ? s : *target + s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(float* dst, Vector512<float> mask, Vector512<float> sum, float* bias, int block, int j, int count)
    {
        if (j >= count) return;
        if (bias != null) sum += Vector512.Create(bias[block + j]);
        Avx512F.MaskStore(dst, mask, sum);
    }
}
