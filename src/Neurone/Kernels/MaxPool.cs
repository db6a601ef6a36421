using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// Max pooling over planes (N·C planes of H×W, padding read as −∞) that also records, for each output, the
/// flat index (row·W + column) of the winning input in its plane, so the backward pass is a scatter. Ties and
/// NaN follow PyTorch: windows are scanned row by row, a value replaces the best so far when it is greater or
/// NaN, so the first maximum wins. A window that lies wholly in the padding (possible with dilation: kernel 2,
/// dilation 2 and padding 1 on a one-row plane reads rows −1 and 1) gives −∞, as PyTorch, and has no winner:
/// its index is −1 and the backward sends its gradient nowhere. (PyTorch 1.13 records an index past its window
/// there and adds the gradient to an element of the next plane.)
/// </summary>
/// <remarks>
/// The 1×2 / 2×2 / k×2 windows with horizontal stride 2 (every CNN here) take a vector path: per output row,
/// each window row's inputs are split into even and odd columns by lane permutes, the pairs compared, rows
/// combined in order — the same comparisons in the same order as the scalar scan, so all paths give identical
/// values and indices. Ragged row ends are read and written under masks. Planes are split over the kernel
/// workers; outputs are independent, so the split never changes results.
/// </remarks>
public static unsafe class MaxPool
{
    /// <summary>Forward with the best SIMD level and <see cref="Parallelism.Threads"/>.</summary>
    public static void Forward(in WindowGeometry g, int planes, ReadOnlySpan<float> input, Span<float> output, Span<int> indices)
        => Forward(g, planes, input, output, indices, Simd.Best, Parallelism.Threads);

    /// <summary>Forward with an explicit SIMD level and thread count (tests force every path).</summary>
    internal static void Forward(in WindowGeometry g, int planes, ReadOnlySpan<float> input, Span<float> output, Span<int> indices, SimdLevel level, int threads)
    {
        Check(g, planes, input.Length, output.Length, indices.Length);
        if (!Simd.IsSupported(level)) throw new ArgumentException($"max pool: SIMD level {level} is not supported by this CPU (best is {Simd.Best}).");
        fixed (float* x = input, y = output)
        fixed (int* idx = indices)
        {
            var job = PoolJob.Current;
            job.Set(g, planes, x, y, idx, level, isBackward: false);
            job.Run(threads, (long)planes * g.OutPlane * g.KernelArea);
        }
    }

    /// <summary>
    /// Sets <paramref name="gradInput"/> to the gradient routed back through the recorded indices (each an index into
    /// its plane, or −1 for a window without a winner; an index outside the plane is passed over, never followed).
    /// </summary>
    public static void Backward(in WindowGeometry g, int planes, ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, Span<float> gradInput)
        => Backward(g, planes, gradOutput, indices, gradInput, Simd.Best);

    /// <summary>Backward with an explicit SIMD level (tests force every path).</summary>
    internal static void Backward(in WindowGeometry g, int planes, ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, Span<float> gradInput, SimdLevel level)
    {
        Check(g, planes, gradInput.Length, gradOutput.Length, indices.Length);
        if (!Simd.IsSupported(level)) throw new ArgumentException($"max pool backward: SIMD level {level} is not supported by this CPU (best is {Simd.Best}).");
        fixed (float* gy = gradOutput, gx = gradInput)
        fixed (int* idx = indices)
        {
            var job = PoolJob.Current;
            job.Set(g, planes, gx, gy, idx, level, isBackward: true);
            job.Run(Parallelism.Threads, (long)planes * g.InPlane);
        }
    }

    static void Check(in WindowGeometry g, int planes, int inputLength, int outputLength, int indexLength)
    {
        g.Check("max pool");
        long x = (long)planes * g.InPlane, y = (long)planes * g.OutPlane;
        if (inputLength != x) throw new ArgumentException($"max pool: the input has {inputLength} elements, expected {planes} planes of {g.Height}x{g.Width} = {x}.");
        if (outputLength != y || indexLength != y)
            throw new ArgumentException($"max pool: the output has {outputLength} and the indices {indexLength} elements, expected {planes} planes of {g.OutHeight}x{g.OutWidth} = {y}.");
    }

    sealed class PoolJob : IParallelWork
    {
        [ThreadStatic] static PoolJob? current;
        public static PoolJob Current => current ??= new PoolJob();

        WindowGeometry g;
        int planes, parts;
        float* x, y;
        int* idx;
        SimdLevel level;
        bool backward;

        public void Set(in WindowGeometry geometry, int n, float* input, float* output, int* indices, SimdLevel simd, bool isBackward)
        {
            g = geometry; planes = n; x = input; y = output; idx = indices; level = simd; backward = isBackward;
        }

        public void Run(int threads, long work)
        {
            // Below ~64k window reads a second thread costs more than it saves.
            parts = work < (1 << 16) ? 1 : Math.Min(planes, threads);
            try { WorkerPool.Run(this, parts); }
            finally { x = y = null; idx = null; }
        }

        public void Execute(int part)
        {
            int first = (int)((long)part * planes / parts), last = (int)((long)(part + 1) * planes / parts);
            for (int c = first; c < last; c++)
            {
                if (backward) BackwardPlane(g, y + (nint)c * g.OutPlane, idx + (nint)c * g.OutPlane, x + (nint)c * g.InPlane, null, level);
                else ForwardPlane(g, x + (nint)c * g.InPlane, y + (nint)c * g.OutPlane, idx + (nint)c * g.OutPlane, level);
            }
        }
    }

    /// <summary>
    /// Pools one plane, by the vector path when the window allows it and the row has at least one vector of
    /// outputs, else by the reference scan.
    /// </summary>
    internal static void ForwardPlane(in WindowGeometry g, float* x, float* y, int* idx, SimdLevel level)
    {
        // Every window inside the plane: the vector paths read whole window rows and never find an empty window.
        bool pairs = level != SimdLevel.Scalar && g.KernelW == 2 && g.StrideW == 2 && g.DilationW == 1 && g.IsUnpadded;
        if (pairs && level == SimdLevel.Vector512 && g.Width <= 16 && g.KernelH == 2 && g.StrideH == 2 && g.DilationH == 1)
            NarrowSquares512(g, x, y, idx);
        else if (pairs && level == SimdLevel.Vector512) Pairs512(g, x, y, idx);
        else if (pairs && g.OutWidth >= 4) Pairs256(g, x, y, idx);
        else ScanPlane(g, x, y, idx);
    }

    /// <summary>The reference scan over every window of one plane.</summary>
    static void ScanPlane(in WindowGeometry g, float* x, float* y, int* idx)
    {
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            int h0 = oh * g.StrideH - g.PadH;
            for (int ow = 0; ow < g.OutWidth; ow++)
            {
                int w0 = ow * g.StrideW - g.PadW;
                float best = float.NegativeInfinity;
                int at = -1;
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    int h = h0 + ki * g.DilationH;
                    if ((uint)h >= (uint)g.Height) continue;
                    for (int kj = 0; kj < g.KernelW; kj++)
                    {
                        int w = w0 + kj * g.DilationW;
                        if ((uint)w >= (uint)g.Width) continue;
                        int i = h * g.Width + w;
                        float v = x[i];
                        if (at < 0 || v > best || float.IsNaN(v)) { best = v; at = i; }
                    }
                }
                y[oh * g.OutWidth + ow] = best;
                idx[oh * g.OutWidth + ow] = at;
            }
        }
    }

    // The lane permutes as single instructions: Vector512.Shuffle with indices from a field is not
    // recognised as constant and falls back to a slow element-by-element loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Permute(Vector256<float> v, Vector256<int> indices) =>
        Avx2.IsSupported ? Avx2.PermuteVar8x32(v, indices) : Vector256.Shuffle(v, indices);

    /// <summary>
    /// AVX-512 path, 16 outputs at a time: each window row's 32 inputs are split into even and odd columns
    /// with two-source permutes, so a pair comparison gives 16 outputs at once; a ragged end (LeNet's rows of 13
    /// and 5 outputs) is read and written under masks, never past the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Pairs512(in WindowGeometry g, float* x, float* y, int* idx)
    {
        int width = g.Width;
        var lane = LaneMasks.Lanes512;
        // Two-source permutes that pull the even and the odd elements of 32 inputs (two vectors) into one
        // vector each. Locals, not static fields: a static read in this loop costs a helper call, and the call
        // makes the JIT spill every vector register around it.
        var evens = lane + lane;
        var odds = evens + Vector512<int>.One;
        for (int ow = 0; ow < g.OutWidth; ow += 16)
        {
            int outs = Math.Min(16, g.OutWidth - ow), ins = 2 * outs;
            var loMask = LaneMasks.First512(ins);
            var hiMask = LaneMasks.First512(ins - 16);
            var outMask = LaneMasks.First512(outs);
            var column = Vector512.Create(2 * ow) + lane + lane;
            for (int oh = 0; oh < g.OutHeight; oh++)
            {
                int h0 = oh * g.StrideH;
                var (best, at) = RowPairs512(x, h0 * width, 2 * ow, loMask, hiMask, evens, odds, column);
                for (int ki = 1; ki < g.KernelH; ki++)
                {
                    var (rowBest, rowAt) = RowPairs512(x, (h0 + ki * g.DilationH) * width, 2 * ow, loMask, hiMask, evens, odds, column);
                    (best, at) = LaterRowWins(best, at, rowBest, rowAt);
                }
                int o = oh * g.OutWidth + ow;
                Avx512F.MaskStore(y + o, outMask, best);
                Avx512F.MaskStore(idx + o, outMask.AsInt32(), at);
            }
        }
    }

    /// <summary>
    /// 2×2 stride-2 windows on rows of at most 16 inputs (LeNet's second pooling reads 10, the CIFAR net's 12):
    /// one row has at most 8 windows, so two output rows share each vector, lanes 0–7 the first and 8–15 the
    /// second. Every window row is split into pairs and the rows combined exactly as in <see cref="Pairs512"/>,
    /// in half the instructions per output row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void NarrowSquares512(in WindowGeometry g, float* x, float* y, int* idx)
    {
        int width = g.Width, ow = g.OutWidth, oh = g.OutHeight;
        var lane = LaneMasks.Lanes512;
        var half = Vector512.ShiftRightLogical(lane, 3);                  // 0 for lanes 0–7, 1 for lanes 8–15
        var column = (lane & Vector512.Create(7)) + (lane & Vector512.Create(7));
        // Lanes 0–7 take the pairs of the first source, lanes 8–15 those of the second (index 16 + …).
        var evens = column + Vector512.ShiftLeft(half, 4);
        var odds = evens + Vector512<int>.One;
        var inMask = LaneMasks.First512(2 * ow);
        var lowOut = LaneMasks.First512(ow);
        var highOut = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(8)) & Vector512.LessThan(lane, Vector512.Create(8 + ow))).AsSingle();
        var rowStep = half * Vector512.Create(2 * width);                 // the second output row's rows are 2 rows down
        for (int pr = 0; pr < oh; pr += 2)
        {
            bool two = pr + 1 < oh;
            int top = 2 * pr * width;
            var topStart = Vector512.Create(top) + rowStep;
            var (best, at) = TwoRowPairs512(x + top, two ? x + top + 2 * width : null, inMask, evens, odds, topStart + column);
            var (rowBest, rowAt) = TwoRowPairs512(x + top + width, two ? x + top + 3 * width : null, inMask, evens, odds,
                topStart + Vector512.Create(width) + column);
            (best, at) = LaterRowWins(best, at, rowBest, rowAt);
            int o = pr * ow;
            Avx512F.MaskStore(y + o, lowOut, best);
            Avx512F.MaskStore(idx + o, lowOut.AsInt32(), at);
            if (!two) continue;
            // Lanes 8.. hold the next output row: stored from 8 floats before it, so lane 8 lands on its start.
            Avx512F.MaskStore(y + o + ow - 8, highOut, best);
            Avx512F.MaskStore(idx + o + ow - 8, highOut.AsInt32(), at);
        }
    }

    /// <summary>
    /// The best of each adjacent pair in row <paramref name="first"/> (lanes 0–7) and row <paramref name="second"/>
    /// (lanes 8–15; none when null), with the winners' indices: <paramref name="leftIndex"/> holds each left
    /// element's index in the plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector512<float> Best, Vector512<int> At) TwoRowPairs512(float* first, float* second, Vector512<float> mask,
        Vector512<int> evens, Vector512<int> odds, Vector512<int> leftIndex)
    {
        var v0 = Avx512F.MaskLoad(first, mask, Vector512<float>.Zero);
        var v1 = second == null ? Vector512<float>.Zero : Avx512F.MaskLoad(second, mask, Vector512<float>.Zero);
        return BetterOfPairs(v0, v1, evens, odds, leftIndex);
    }

    /// <summary>The best of each adjacent pair in one window row (16 pairs), with the winners' indices in the plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static (Vector512<float> Best, Vector512<int> At) RowPairs512(float* x, int rowStart, int first,
        Vector512<float> loMask, Vector512<float> hiMask, Vector512<int> evens, Vector512<int> odds, Vector512<int> column)
    {
        float* row = x + rowStart + first;
        var v0 = Avx512F.MaskLoad(row, loMask, Vector512<float>.Zero);
        var v1 = Avx512F.MaskLoad(row + 16, hiMask, Vector512<float>.Zero);
        return BetterOfPairs(v0, v1, evens, odds, Vector512.Create(rowStart) + column);
    }

    /// <summary>
    /// The better of each pair (left = lane <paramref name="evens"/>, right = lane <paramref name="odds"/> of the 32
    /// inputs in <paramref name="v0"/> and <paramref name="v1"/>), with its index: <paramref name="leftIndex"/> or one past.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<float> Best, Vector512<int> At) BetterOfPairs(Vector512<float> v0, Vector512<float> v1,
        Vector512<int> evens, Vector512<int> odds, Vector512<int> leftIndex)
    {
        var left = Avx512F.PermuteVar16x32x2(v0, evens, v1);
        var right = Avx512F.PermuteVar16x32x2(v0, odds, v1);
        // The right element wins only when greater or NaN (first maximum wins).
        var takeRight = Vector512.GreaterThan(right, left) | ~Vector512.Equals(right, right);
        return (Vector512.ConditionalSelect(takeRight, right, left), leftIndex + (takeRight.AsInt32() & Vector512<int>.One));
    }

    /// <summary>A later window row's winners replace the best so far where greater or NaN (first maximum wins).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<float> Best, Vector512<int> At) LaterRowWins(Vector512<float> best, Vector512<int> at,
        Vector512<float> rowBest, Vector512<int> rowAt)
    {
        var takeRow = Vector512.GreaterThan(rowBest, best) | ~Vector512.Equals(rowBest, rowBest);
        return (Vector512.ConditionalSelect(takeRow, rowBest, best), Vector512.ConditionalSelect(takeRow.AsInt32(), rowAt, at));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Pairs256(in WindowGeometry g, float* x, float* y, int* idx)
    {
        const int Outs = 4;
        int width = g.Width;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        // Lane i ↔ lane i^1 brings each pair's right element under its left one; then the even lanes are kept.
        // Locals, not static fields (see Pairs512).
        var swap = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
        var even = Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0);
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            int h0 = oh * g.StrideH;
            for (int start = 0; start < g.OutWidth; start += Outs)
            {
                int ow = Math.Min(start, g.OutWidth - Outs);
                Vector256<float> best = default;
                Vector256<int> at = default;
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    int rowStart = (h0 + ki * g.DilationH) * width + 2 * ow;
                    var v = Vector256.Load(x + rowStart);
                    var right = Permute(v, swap);
                    var takeRight = Vector256.GreaterThan(right, v) | ~Vector256.Equals(right, right);
                    var rowBest = Vector256.ConditionalSelect(takeRight, right, v);
                    var rowAt = Vector256.Create(rowStart) + lane + (takeRight.AsInt32() & Vector256<int>.One);
                    if (ki == 0) { best = rowBest; at = rowAt; continue; }
                    var takeRow = (Vector256.GreaterThan(rowBest, best) | ~Vector256.Equals(rowBest, rowBest)).AsInt32();
                    best = Vector256.ConditionalSelect(takeRow.AsSingle(), rowBest, best);
                    at = Vector256.ConditionalSelect(takeRow, rowAt, at);
                }
                int o = oh * g.OutWidth + ow;
                Permute(best, even).GetLower().Store(y + o);
                Permute(at.AsSingle(), even).AsInt32().GetLower().Store(idx + o);
            }
        }
    }

    /// <summary>
    /// Sets one input plane's gradient (<paramref name="gx"/>, rows <see cref="WindowGeometry.Width"/> apart)
    /// from the output gradient routed through the recorded winners. With <paramref name="keep"/> (the pooled
    /// output of a fused ReLU + pooling) an output's gradient passes only where keep is positive.
    /// </summary>
    internal static void BackwardPlane(in WindowGeometry g, float* gy, int* idx, float* gx, float* keep = null)
        => BackwardPlane(g, gy, idx, gx, keep, Simd.Best);

    /// <summary>As the other <c>BackwardPlane</c>, at <paramref name="level"/>.</summary>
    internal static void BackwardPlane(in WindowGeometry g, float* gy, int* idx, float* gx, float* keep, SimdLevel level)
    {
        if (level == SimdLevel.Vector512 && g.KernelH == 2 && g.KernelW == 2 && g.StrideH == 2 && g.StrideW == 2
            && g.IsUnpadded && g.DilationH == 1 && g.DilationW == 1)
        {
            UnpoolPairs512(g, gy, idx, gx, keep);
            return;
        }
        new Span<float>(gx, g.InPlane).Clear();
        // Overlapping windows may pick the same input twice: accumulate, in output order. A window wholly in the
        // padding has no winner (−1) and passes nothing back: one unsigned compare skips it, and any other index
        // outside the plane, so the scatter never leaves the plane.
        uint inPlane = (uint)g.InPlane;
        for (int i = 0; i < g.OutPlane; i++)
            if ((uint)idx[i] < inPlane && (keep == null || keep[i] > 0f)) gx[idx[i]] += gy[i];
    }

    /// <summary>
    /// The backward of 2×2 stride-2 pooling, whose windows never overlap: every input gets the gradient of
    /// its window's output if it was that window's winner, else 0. Built a row pair and 16 windows at a time
    /// (compare each winner with the four positions of its window, then interleave even and odd columns), so
    /// each input is written once instead of cleared and then scattered to. Values are those of the scatter
    /// (0 + g, so even the sign of a zero matches); inputs no window covers (an odd last row or column) get 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void UnpoolPairs512(in WindowGeometry g, float* gy, int* idx, float* gx, float* keep)
    {
        int width = g.Width, ow = g.OutWidth;
        var lane = LaneMasks.Lanes512;
        var zero = Vector512<float>.Zero;
        // Lanes 0..15 of the interleave take even (from the first vector) and odd (second) columns in turn.
        var interleaveLo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        var interleaveHi = interleaveLo + Vector512.Create(8);
        for (int oy = 0; oy < g.OutHeight; oy++)
        {
            float* row0 = gx + (2 * oy) * width, row1 = row0 + width;
            for (int x0 = 0; x0 < ow; x0 += 16)
            {
                int outs = Math.Min(16, ow - x0), cols = 2 * outs;
                var outMask = LaneMasks.First512(outs);
                int o = oy * ow + x0;
                var grad = Avx512F.MaskLoad(gy + o, outMask, zero);
                if (keep != null) grad = Vector512.GreaterThan(Avx512F.MaskLoad(keep + o, outMask, zero), zero) & grad;
                var at = Avx512F.MaskLoad(idx + o, outMask.AsInt32(), Vector512<int>.Zero);
                var topLeft = Vector512.Create(2 * oy * width + 2 * x0) + lane + lane;
                var evens0 = Vector512.ConditionalSelect(Vector512.Equals(at, topLeft).AsSingle(), grad, zero) + zero;
                var odds0 = Vector512.ConditionalSelect(Vector512.Equals(at, topLeft + Vector512<int>.One).AsSingle(), grad, zero) + zero;
                var evens1 = Vector512.ConditionalSelect(Vector512.Equals(at, topLeft + Vector512.Create(width)).AsSingle(), grad, zero) + zero;
                var odds1 = Vector512.ConditionalSelect(Vector512.Equals(at, topLeft + Vector512.Create(width + 1)).AsSingle(), grad, zero) + zero;
                var loMask = LaneMasks.First512(cols);
                var hiMask = LaneMasks.First512(cols - 16);
                float* d0 = row0 + 2 * x0, d1 = row1 + 2 * x0;
                Avx512F.MaskStore(d0, loMask, Avx512F.PermuteVar16x32x2(evens0, interleaveLo, odds0));
                Avx512F.MaskStore(d0 + 16, hiMask, Avx512F.PermuteVar16x32x2(evens0, interleaveHi, odds0));
                Avx512F.MaskStore(d1, loMask, Avx512F.PermuteVar16x32x2(evens1, interleaveLo, odds1));
                Avx512F.MaskStore(d1 + 16, hiMask, Avx512F.PermuteVar16x32x2(evens1, interleaveHi, odds1));
            }
            // A last column no window covers.
            for (int x = 2 * ow; x < width; x++) { row0[x] = 0f; row1[x] = 0f; }
        }
        // A last row no window covers.
        for (int y = 2 * g.OutHeight; y < g.Height; y++) new Span<float>(gx + y * width, width).Clear();
    }
}
