using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Neurone.Kernels;

/// <summary>
/// Max pooling over planes (N·C planes of H×W, padding read as −∞) that also records, for each output, the
/// flat index (row·W + column) of the winning input in its plane, so the backward pass is a scatter. Ties and
/// NaN follow PyTorch: windows are scanned row by row, a value replaces the best so far when it is greater or
/// NaN, so the first maximum wins.
/// </summary>
/// <remarks>
/// The 1×2 / 2×2 / k×2 windows with horizontal stride 2 (every CNN here) take a vector path: per output row,
/// each window row is loaded as whole vectors, adjacent pairs are compared by swapping lanes, rows are
/// combined in order, and the even lanes are compacted to the outputs — the same comparisons in the same order
/// as the scalar scan, so all paths give identical values and indices. Planes are split over the kernel
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

    /// <summary>Sets <paramref name="gradInput"/> to the gradient routed back through the recorded indices.</summary>
    public static void Backward(in WindowGeometry g, int planes, ReadOnlySpan<float> gradOutput, ReadOnlySpan<int> indices, Span<float> gradInput)
    {
        Check(g, planes, gradInput.Length, gradOutput.Length, indices.Length);
        fixed (float* gy = gradOutput, gx = gradInput)
        fixed (int* idx = indices)
        {
            var job = PoolJob.Current;
            job.Set(g, planes, gx, gy, idx, Simd.Best, isBackward: true);
            job.Run(Parallelism.Threads, (long)planes * g.InPlane);
        }
    }

    static void Check(in WindowGeometry g, int planes, int inputLength, int outputLength, int indexLength)
    {
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
                if (backward) BackwardPlane(g, y + (nint)c * g.OutPlane, idx + (nint)c * g.OutPlane, x + (nint)c * g.InPlane);
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
        bool pairs = level != SimdLevel.Scalar && g.KernelW == 2 && g.StrideW == 2 && g.PadW == 0 && g.DilationW == 1 && g.PadH == 0;
        if (pairs && level == SimdLevel.Vector512 && g.OutWidth >= 8) Pairs512(g, x, y, idx);
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

    // Lane i ↔ lane i^1: brings each pair's right element under its left one.
    static readonly Vector512<int> Swap512 = Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    static readonly Vector512<int> Even512 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0);
    static readonly Vector256<int> Swap256 = Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6);
    static readonly Vector256<int> Even256 = Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0);

    // The lane permutes as single instructions: Vector512.Shuffle with indices from a field is not
    // recognised as constant and falls back to a slow element-by-element loop.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Permute(Vector512<float> v, Vector512<int> indices) =>
        Avx512F.IsSupported ? Avx512F.PermuteVar16x32(v, indices) : Vector512.Shuffle(v, indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Permute(Vector256<float> v, Vector256<int> indices) =>
        Avx2.IsSupported ? Avx2.PermuteVar8x32(v, indices) : Vector256.Shuffle(v, indices);

    /// <summary>
    /// Vector path, a vector of outputs at a time; a row whose width is not a multiple of the vector ends with
    /// one vector that overlaps the previous one (recomputing a few outputs is cheaper than a scalar tail).
    /// Needs at least one vector of outputs per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Pairs512(in WindowGeometry g, float* x, float* y, int* idx)
    {
        const int Outs = 8;
        int width = g.Width;
        var lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int oh = 0; oh < g.OutHeight; oh++)
        {
            int h0 = oh * g.StrideH;
            for (int start = 0; start < g.OutWidth; start += Outs)
            {
                int ow = Math.Min(start, g.OutWidth - Outs);
                Vector512<float> best = default;
                Vector512<int> at = default;
                for (int ki = 0; ki < g.KernelH; ki++)
                {
                    int rowStart = (h0 + ki * g.DilationH) * width + 2 * ow;
                    var v = Vector512.Load(x + rowStart);
                    var right = Permute(v, Swap512);
                    // Within the row: the right element wins only when greater or NaN (first maximum wins).
                    var takeRight = Vector512.GreaterThan(right, v) | ~Vector512.Equals(right, right);
                    var rowBest = Vector512.ConditionalSelect(takeRight, right, v);
                    var rowAt = Vector512.Create(rowStart) + lane + (takeRight.AsInt32() & Vector512<int>.One);
                    if (ki == 0) { best = rowBest; at = rowAt; continue; }
                    var takeRow = (Vector512.GreaterThan(rowBest, best) | ~Vector512.Equals(rowBest, rowBest)).AsInt32();
                    best = Vector512.ConditionalSelect(takeRow.AsSingle(), rowBest, best);
                    at = Vector512.ConditionalSelect(takeRow, rowAt, at);
                }
                int o = oh * g.OutWidth + ow;
                Permute(best, Even512).GetLower().Store(y + o);
                Permute(at.AsSingle(), Even512).AsInt32().GetLower().Store(idx + o);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Pairs256(in WindowGeometry g, float* x, float* y, int* idx)
    {
        const int Outs = 4;
        int width = g.Width;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
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
                    var right = Permute(v, Swap256);
                    var takeRight = Vector256.GreaterThan(right, v) | ~Vector256.Equals(right, right);
                    var rowBest = Vector256.ConditionalSelect(takeRight, right, v);
                    var rowAt = Vector256.Create(rowStart) + lane + (takeRight.AsInt32() & Vector256<int>.One);
                    if (ki == 0) { best = rowBest; at = rowAt; continue; }
                    var takeRow = (Vector256.GreaterThan(rowBest, best) | ~Vector256.Equals(rowBest, rowBest)).AsInt32();
                    best = Vector256.ConditionalSelect(takeRow.AsSingle(), rowBest, best);
                    at = Vector256.ConditionalSelect(takeRow, rowAt, at);
                }
                int o = oh * g.OutWidth + ow;
                Permute(best, Even256).GetLower().Store(y + o);
                Permute(at.AsSingle(), Even256).AsInt32().GetLower().Store(idx + o);
            }
        }
    }

    static void BackwardPlane(in WindowGeometry g, float* gy, int* idx, float* gx)
    {
        new Span<float>(gx, g.InPlane).Clear();
        // Overlapping windows may pick the same input twice: accumulate, in output order.
        for (int i = 0; i < g.OutPlane; i++) gx[idx[i]] += gy[i];
    }
}
