using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Neurone.Kernels;

/// <summary>
/// Batched convolution (PyTorch's cross-correlation) by im2col + <see cref="Gemm"/>: input N×C×H×W,
/// weight O×(C·kH·kW), output N×O×OH×OW. Forward and backward for a whole batch, on spans.
/// </summary>
/// <remarks>
/// The batch is split over the kernel workers. Each thread lowers a group of images side by side into its own
/// column buffer (kept between calls, so steady state allocates nothing) and multiplies once, single-threaded:
/// at LeNet sizes a GEMM is too small to split well, images are not, and a group of them fills the GEMM's
/// tiles. First layers (few taps) skip the lowering (<see cref="DirectConvolution"/>); 3×3 stride-1 layers with
/// channel counts in multiples of 16 run Winograd's F(2×2, 3×3) instead (<see cref="WinogradConvolution"/>), fused
/// ReLU and 2×2 pooling included. With fewer images than
/// threads the forward splits the output channels between the threads instead, and the backward runs the
/// images in turn with threaded GEMMs. A following ReLU, or ReLU and max pooling, can be fused: each group is
/// finished in scratch and only the result written. The weight and bias gradients are sums over the batch:
/// each of a fixed number of chunks of the batch (a function of the batch size alone) sums its images in order
/// into its own partial, and the partials are added in chunk order, so the result is bit-identical for any
/// thread count and any scheduling.
/// </remarks>
public static unsafe class Convolution
{
    /// <summary>Chunks the weight gradient is summed in, claimed by the threads as they come free.</summary>
    const int GradientChunks = 8;

    /// <summary>
    /// Output channels come in groups of this many when a small forward is split by channel: the row tile of
    /// the 8×48 AVX-512 kernel. (Every GEMM kernel computes each output the same way wherever its tile falls,
    /// so the split only changes speed, never a bit.)
    /// </summary>
    const int ChannelsPerPart = 8;

    /// <summary>
    /// Multiply-adds per image from which a forward of fewer images than threads splits its channels: a quarter
    /// of a GEMM's threshold, since the parts share nothing but the image (LeNet's first layer at batch 1, 195k:
    /// 11.5 → 8 µs).
    /// </summary>
    const long ChannelSplitWork = Gemm.ParallelWork / 4;

    /// <summary>
    /// Columns a group of images should fill in one GEMM, and the most images a group takes. LeNet's second layer
    /// (100 positions, 288 taps): 8 images, whose 800-column panels (0.9 MB) still fit the L2; groups of 5 packed
    /// the weights 60% more often and left more of the tiles' last column empty (forward 6% slower).
    /// </summary>
    const int GroupColumns = 800, MaxGroup = 16;

    /// <summary>
    /// output = conv(input, weight) + bias, then max(·, 0) when <paramref name="relu"/>. An empty
    /// <paramref name="bias"/> means none.
    /// </summary>
    public static void Forward(in WindowGeometry g, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, bool relu = false)
        => Forward(g, batch, channels, outChannels, input, weight, bias, output, relu, Simd.Best);

    /// <summary>Forward with an explicit SIMD level (tests force every path).</summary>
    internal static void Forward(in WindowGeometry g, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, bool relu, SimdLevel level)
    {
        CheckSizes(g, batch, channels, outChannels, input.Length, weight.Length, output.Length, "output");
        CheckLevel(level);
        if (bias.Length != 0 && bias.Length != outChannels)
            throw new ArgumentException($"conv: bias has {bias.Length} elements, expected {outChannels}.");
        fixed (float* x = input, w = weight, b = bias, y = output)
        {
            var job = ConvJob.Current;
            job.SetForward(g, batch, channels, outChannels, x, w, bias.Length == 0 ? null : b, y, relu, level);
            job.Run();
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward(in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, bool)"/> (without the ReLU) from the output gradient. Each target is optional
    /// (empty span = not wanted). The weight and bias gradients are written as beta·target + gradient, with
    /// beta 0 (overwrite, never read) or 1 (accumulate), so a parameter's .Grad can be the target.
    /// </summary>
    /// <remarks>
    /// With <paramref name="reluOutput"/> (the output of a forward with the ReLU), the gradient is first masked
    /// where that output was not positive: the backward of the fused ReLU, done image by image in cache.
    /// </remarks>
    public static void Backward(in WindowGeometry g, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, float betaWeight, Span<float> gradBias, float betaBias,
        ReadOnlySpan<float> reluOutput = default)
        => Backward(g, batch, channels, outChannels, input, weight, gradOutput, gradInput, gradWeight, betaWeight, gradBias, betaBias,
            reluOutput, Simd.Best);

    /// <summary>Backward with an explicit SIMD level (tests force every path).</summary>
    internal static void Backward(in WindowGeometry g, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, float betaWeight, Span<float> gradBias, float betaBias,
        ReadOnlySpan<float> reluOutput, SimdLevel level)
    {
        CheckSizes(g, batch, channels, outChannels, input.Length, weight.Length, gradOutput.Length, "output gradient");
        CheckLevel(level);
        if (reluOutput.Length != 0 && reluOutput.Length != gradOutput.Length)
            throw new ArgumentException($"conv backward: the ReLU output has {reluOutput.Length} elements, expected {gradOutput.Length} like the output gradient.");
        CheckGradientTargets(input.Length, weight.Length, outChannels, gradInput.Length, gradWeight.Length, gradBias.Length);
        fixed (float* x = input, w = weight, gy = gradOutput, gx = gradInput, gw = gradWeight, gb = gradBias, r = reluOutput)
        {
            var job = ConvJob.Current;
            job.SetBackward(g, batch, channels, outChannels, x, w, gy,
                gradInput.Length == 0 ? null : gx, gradWeight.Length == 0 ? null : gw, betaWeight, gradBias.Length == 0 ? null : gb, betaBias, level);
            if (reluOutput.Length != 0) job.SetReluSource(r);
            job.Run();
        }
    }

    /// <summary>
    /// maxpool(max(conv(input, weight) + bias, 0)) without keeping the convolution's output: each image is
    /// convolved into a per-thread buffer and pooled from there. <paramref name="output"/> is N×O×PH×PW and
    /// <paramref name="indices"/> records, per output, the winner's index within the part of its convolution
    /// plane that the pooling reads (rows and columns no window reaches are cut, see <see cref="CropToPooled"/>;
    /// otherwise the whole plane, as <see cref="MaxPool"/> indexes it). Only <see cref="BackwardReluMaxPool(in WindowGeometry, in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{int}, ReadOnlySpan{float}, Span{float}, Span{float}, float, Span{float}, float)"/> reads them. Pooling before the ReLU gives the same values (the ReLU is monotone) and, where
    /// the result is positive, the same winner.
    /// </summary>
    public static void ForwardReluMaxPool(in WindowGeometry g, in WindowGeometry pool, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<int> indices)
        => ForwardReluMaxPool(g, pool, batch, channels, outChannels, input, weight, bias, output, indices, Simd.Best);

    /// <summary>ForwardReluMaxPool with an explicit SIMD level (tests force every path).</summary>
    internal static void ForwardReluMaxPool(in WindowGeometry g, in WindowGeometry pool, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> output, Span<int> indices, SimdLevel level)
    {
        long pooled = CheckPool(g, pool, batch, outChannels);
        CheckLevel(level);
        CheckSizes(g, batch, channels, outChannels, input.Length, weight.Length, (long)batch * outChannels * g.OutPlane, "output");
        if (bias.Length != 0 && bias.Length != outChannels)
            throw new ArgumentException($"conv: bias has {bias.Length} elements, expected {outChannels}.");
        if (output.Length != pooled || indices.Length != pooled)
            throw new ArgumentException($"conv+relu+maxpool: the output has {output.Length} and the indices {indices.Length} elements, expected {batch}x{outChannels}x{pool.OutHeight}x{pool.OutWidth} = {pooled}.");
        var (conv, window) = CropToPooled(g, pool);
        fixed (float* x = input, w = weight, b = bias, y = output)
        fixed (int* idx = indices)
        {
            var job = ConvJob.Current;
            job.SetForward(conv, batch, channels, outChannels, x, w, bias.Length == 0 ? null : b, y, applyRelu: true, level);
            job.SetPool(window, idx);
            job.Run();
        }
    }

    /// <summary>
    /// Gradients of <see cref="ForwardReluMaxPool(in WindowGeometry, in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{int})"/> from the pooled output's gradient: each image's
    /// convolution-output gradient is rebuilt in a per-thread buffer (the pooled gradient scattered to the
    /// winners whose pooled value was positive) and fed to the convolution's backward. Targets as in
    /// <see cref="Backward(in WindowGeometry, int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, float, Span{float}, float, ReadOnlySpan{float})"/>.
    /// </summary>
    public static void BackwardReluMaxPool(in WindowGeometry g, in WindowGeometry pool, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> output, ReadOnlySpan<int> indices, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, float betaWeight, Span<float> gradBias, float betaBias)
        => BackwardReluMaxPool(g, pool, batch, channels, outChannels, input, weight, output, indices, gradOutput,
            gradInput, gradWeight, betaWeight, gradBias, betaBias, Simd.Best);

    /// <summary>BackwardReluMaxPool with an explicit SIMD level (tests force every path).</summary>
    internal static void BackwardReluMaxPool(in WindowGeometry g, in WindowGeometry pool, int batch, int channels, int outChannels,
        ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> output, ReadOnlySpan<int> indices, ReadOnlySpan<float> gradOutput,
        Span<float> gradInput, Span<float> gradWeight, float betaWeight, Span<float> gradBias, float betaBias, SimdLevel level)
    {
        long pooled = CheckPool(g, pool, batch, outChannels);
        CheckLevel(level);
        CheckSizes(g, batch, channels, outChannels, input.Length, weight.Length, (long)batch * outChannels * g.OutPlane, "output");
        if (output.Length != pooled || indices.Length != pooled || gradOutput.Length != pooled)
            throw new ArgumentException($"conv+relu+maxpool backward: the output, indices and output gradient have {output.Length}, {indices.Length} and {gradOutput.Length} elements, expected {pooled} each.");
        CheckGradientTargets(input.Length, weight.Length, outChannels, gradInput.Length, gradWeight.Length, gradBias.Length);
        var (conv, window) = CropToPooled(g, pool);
        fixed (float* x = input, w = weight, y = output, gy = gradOutput, gx = gradInput, gw = gradWeight, gb = gradBias)
        fixed (int* idx = indices)
        {
            var job = ConvJob.Current;
            job.SetBackward(conv, batch, channels, outChannels, x, w, gy,
                gradInput.Length == 0 ? null : gx, gradWeight.Length == 0 ? null : gw, betaWeight, gradBias.Length == 0 ? null : gb, betaBias, level);
            job.SetPool(window, idx);
            job.SetReluSource(y);
            job.Run();
        }
    }

    /// <summary>
    /// The convolution and pooling geometries cut to the convolution outputs some pooling window reads. A pooling
    /// that rounds its output size down leaves the last rows or columns out (LeNet's second layer: 11×11 pooled
    /// 2×2 reads only 10×10, 83% of the outputs); the fused op then neither computes them nor, in the backward,
    /// multiplies their zero gradients.
    /// </summary>
    internal static (WindowGeometry Conv, WindowGeometry Pool) CropToPooled(in WindowGeometry g, in WindowGeometry pool)
    {
        int h = ReadExtent(pool.OutHeight, pool.StrideH, pool.PadH, pool.KernelH, pool.DilationH, g.OutHeight);
        int w = ReadExtent(pool.OutWidth, pool.StrideW, pool.PadW, pool.KernelW, pool.DilationW, g.OutWidth);
        return (g with { OutHeight = h, OutWidth = w }, pool with { Height = h, Width = w });
    }

    /// <summary>
    /// One past the last position the last of <paramref name="windows"/> windows covers, at most <paramref name="size"/>
    /// and at least 1 (windows that all lie in the leading padding read nothing, but the plane keeps a row to crop to).
    /// </summary>
    static int ReadExtent(int windows, int stride, int pad, int kernel, int dilation, int size) =>
        Math.Clamp((windows - 1) * stride - pad + dilation * (kernel - 1) + 1, 1, size);

    static void CheckLevel(SimdLevel level)
    {
        if (!Simd.IsSupported(level)) throw new ArgumentException($"conv: SIMD level {level} is not supported by this CPU (best is {Simd.Best}).");
    }

    static long CheckPool(in WindowGeometry g, in WindowGeometry pool, int batch, int outChannels)
    {
        pool.Check("conv+relu+maxpool");
        if (pool.Height != g.OutHeight || pool.Width != g.OutWidth)
            throw new ArgumentException($"conv+relu+maxpool: the pooling expects planes of {pool.Height}x{pool.Width}, the convolution makes {g.OutHeight}x{g.OutWidth}.");
        return (long)batch * outChannels * pool.OutPlane;
    }

    static void CheckGradientTargets(int inputLength, int weightLength, int outChannels, int gradInput, int gradWeight, int gradBias)
    {
        if (gradInput != 0 && gradInput != inputLength)
            throw new ArgumentException($"conv backward: the input gradient has {gradInput} elements, expected {inputLength}.");
        if (gradWeight != 0 && gradWeight != weightLength)
            throw new ArgumentException($"conv backward: the weight gradient has {gradWeight} elements, expected {weightLength}.");
        if (gradBias != 0 && gradBias != outChannels)
            throw new ArgumentException($"conv backward: the bias gradient has {gradBias} elements, expected {outChannels}.");
    }

    static void CheckSizes(in WindowGeometry g, int batch, int channels, int outChannels, long inputLength, long weightLength, long outputLength, string outputName)
    {
        g.Check("conv");
        if (batch < 0 || channels < 1 || outChannels < 1)
            throw new ArgumentException($"conv: expected batch ≥ 0 and positive channels, got batch {batch}, in {channels}, out {outChannels}.");
        long x = (long)batch * channels * g.InPlane, w = (long)outChannels * channels * g.KernelArea, y = (long)batch * outChannels * g.OutPlane;
        if (inputLength != x) throw new ArgumentException($"conv: the input has {inputLength} elements, expected {batch}x{channels}x{g.Height}x{g.Width} = {x}.");
        if (weightLength != w) throw new ArgumentException($"conv: the weight has {weightLength} elements, expected {outChannels}x{channels}x{g.KernelH}x{g.KernelW} = {w}.");
        if (outputLength != y) throw new ArgumentException($"conv: the {outputName} has {outputLength} elements, expected {batch}x{outChannels}x{g.OutHeight}x{g.OutWidth} = {y}.");
    }

    /// <summary>One call's arguments and its parts; cached per calling thread so a call allocates nothing.</summary>
    sealed class ConvJob : IParallelWork
    {
        [ThreadStatic] static ConvJob? current;
        public static ConvJob Current => current ??= new ConvJob();

        /// <summary>
        /// Each thread's scratch, grown to the largest layer seen and then reused: the im2col matrix, its
        /// gradient, and a group's convolution output (or its gradient) when images are grouped or a ReLU or
        /// pooling is fused.
        /// </summary>
        [ThreadStatic] static float[]? columnScratch, gradColumnScratch, planeScratch, laneSumScratch;

        WindowGeometry g, pool;
        int batch, channels, outChannels, rows, parts, gemmThreads, channelParts;
        /// <summary>The SIMD level every path of this call is chosen and run at.</summary>
        SimdLevel level;
        bool backward, relu, pooling, winograd;
        float* x, w, b, y, gy, gx, gw, gb, reluOut;
        int* poolIdx;
        float betaW, betaB;
        float[] partialW = [], partialB = [];
        /// <summary>The Winograd path's transformed weights for this call, and each gradient chunk's transformed weight gradient.</summary>
        float[] transformed = [], partialU = [];
        readonly TransformedWeightsCache byChannel = new(byOutput: false), byOutput = new(byOutput: true);

        public void SetForward(in WindowGeometry geometry, int n, int c, int o, float* input, float* weight, float* bias, float* output, bool applyRelu,
            SimdLevel simd)
        {
            Set(geometry, n, c, o, simd);
            backward = false;
            x = input; w = weight; b = bias; y = output; relu = applyRelu;
            parts = Math.Min(batch, Parallelism.Threads);
        }

        public void SetBackward(in WindowGeometry geometry, int n, int c, int o, float* input, float* weight, float* gradOutput,
            float* gradInput, float* gradWeight, float betaWeight, float* gradBias, float betaBias, SimdLevel simd)
        {
            Set(geometry, n, c, o, simd);
            backward = true;
            x = input; w = weight; gy = gradOutput; gx = gradInput; gw = gradWeight; gb = gradBias; betaW = betaWeight; betaB = betaBias;
            parts = Math.Min(batch, GradientChunks);
            if (gw != null && partialW.Length < parts * outChannels * rows) partialW = new float[parts * outChannels * rows];
            if (gb != null && partialB.Length < parts * outChannels) partialB = new float[parts * outChannels];
        }

        /// <summary>Backward only: the output gradient is masked by this ReLU output (pooled, with <see cref="SetPool"/>).</summary>
        public void SetReluSource(float* output) => reluOut = output;

        /// <summary>Fuses max pooling after the convolution (and its ReLU).</summary>
        public void SetPool(in WindowGeometry geometry, int* indices)
        {
            pooling = true; pool = geometry; poolIdx = indices;
            winograd = WinogradConvolution.AppliesPooled(g, pool, channels, outChannels, level);
        }

        void Set(in WindowGeometry geometry, int n, int c, int o, SimdLevel simd)
        {
            g = geometry; batch = n; channels = c; outChannels = o; rows = c * geometry.KernelArea; level = simd;
            pooling = false; reluOut = null; poolIdx = null;
            winograd = WinogradConvolution.Applies(geometry, c, o, level);
        }

        /// <summary>
        /// The Winograd path's transformed weights, once per call on the calling thread (by channel for the forward,
        /// by output for the input gradient; remembered while the weights stay the same), and room for the chunks'
        /// transformed weight gradients.
        /// </summary>
        void PrepareWinograd()
        {
            int size = WinogradConvolution.TransformedSize(channels, outChannels);
            if (backward && gw != null && partialU.Length < parts * size) partialU = GC.AllocateUninitializedArray<float>(parts * size, pinned: true);
            if (backward && gx == null) return;
            transformed = (backward ? byOutput : byChannel).Get(w, channels, outChannels);
        }

        public void Run()
        {
            try
            {
                if (batch == 0) { FinishGradients(); return; }
                // Fewer images than threads, with enough work per image for a second thread to pay.
                long work = (long)outChannels * rows * g.OutPlane;
                bool fewImages = parts < Parallelism.Threads, fewLargeImages = fewImages && work >= Gemm.ParallelWork;
                channelParts = 1;
                gemmThreads = 1;
                bool splitChannels = fewImages && work >= ChannelSplitWork && !backward && outChannels >= 2 * ChannelUnit;
                if (winograd) PrepareWinograd();
                if (splitChannels)
                {
                    // Fewer images than threads, forward: the output channels are split instead. Each part lowers
                    // the images itself (cheap) rather than reading columns another core just wrote (at LeNet's
                    // batch 1 that transfer cost as much as half the product), and pools its own channels.
                    channelParts = Math.Min(Parallelism.Threads, outChannels / ChannelUnit);
                    WorkerPool.Run(this, channelParts);
                }
                else if (fewLargeImages)
                {
                    // Fewer images than threads, backward: images in turn, each GEMM threaded.
                    gemmThreads = Parallelism.Threads;
                    for (int p = 0; p < parts; p++) Execute(p);
                }
                else WorkerPool.Run(this, parts); // images in parallel
                FinishGradients();
            }
            finally
            {
                x = w = b = y = gy = gx = gw = gb = reluOut = null;
                transformed = [];
                poolIdx = null;
            }
        }

        public void Execute(int part)
        {
            if (channelParts > 1)
            {
                // Whole groups of channels per part, as even as they come.
                int unit = ChannelUnit, tiles = (outChannels + unit - 1) / unit;
                int o0 = Math.Min(outChannels, part * tiles / channelParts * unit);
                int o1 = Math.Min(outChannels, (part + 1) * tiles / channelParts * unit);
                ForwardImages(0, batch, o0, o1);
                return;
            }
            int first = (int)((long)part * batch / parts), last = (int)((long)(part + 1) * batch / parts);
            if (backward) BackwardImages(part, first, last);
            else ForwardImages(first, last, 0, outChannels);
        }

        /// <summary>Output channels a forward split by channel gives each part in multiples of: a kernel's block.</summary>
        int ChannelUnit => winograd ? WinogradConvolution.ChannelBlock : ChannelsPerPart;

        static float* Scratch(ref float[]? buffer, int size)
        {
            if (buffer is null || buffer.Length < size) buffer = GC.AllocateUninitializedArray<float>(size, pinned: true);
            // Pinned on the pinned heap, so its address is stable without a fixed block.
            return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref buffer[0]);
        }

        /// <summary>
        /// Images lowered side by side into one column matrix, so each GEMM is wide enough to run near peak
        /// and packs the weight once per group instead of once per image (LeNet's second layer: 100 columns
        /// per image, 800 per group of 8).
        /// </summary>
        int GroupSize() => g.IsPointwise ? 1 : Math.Clamp(GroupColumns / g.OutPlane, 1, MaxGroup);

        /// <summary>Groups of at most <paramref name="group"/> images that images [first, last) fall into.</summary>
        static int GroupCount(int first, int last, int group) => (last - first + group - 1) / group;

        /// <summary>
        /// Group <paramref name="k"/> of <paramref name="groups"/> over images [first, last), the sizes as even as
        /// they come: 16 images in groups of up to 5 run as 4+4+4+4, not 5+5+5+1, whose one-image product ran
        /// its tiles a fifth as wide.
        /// </summary>
        static (int First, int Count) GroupOf(int first, int last, int groups, int k)
        {
            int n = last - first, from = first + (int)((long)n * k / groups), to = first + (int)((long)n * (k + 1) / groups);
            return (from, to - from);
        }

        /// <summary>Images [first, last), output channels [o0, o1).</summary>
        void ForwardImages(int first, int last, int o0, int o1)
        {
            int p = g.OutPlane, inImage = channels * g.InPlane, outImage = outChannels * p, group = GroupSize();
            int pooledPlane = pool.OutPlane, pooledImage = outChannels * pooledPlane, m = o1 - o0;
            bool pointwise = g.IsPointwise, direct = DirectConvolution.Applies(g, rows, level);
            if (winograd)
            {
                // Tile by tile in the Winograd domain; pooled without a full-size output.
                fixed (float* u = transformed)
                    for (int n = first; n < last; n++)
                    {
                        if (n + 1 < last) WinogradConvolution.Prefetch(x + (nint)(n + 1) * inImage, inImage);
                        if (pooling)
                            WinogradConvolution.ForwardPooled(g, channels, outChannels, x + (nint)n * inImage, u, b, o0, o1,
                                y + (nint)n * pooledImage, poolIdx + (nint)n * pooledImage);
                        else WinogradConvolution.Forward(g, channels, outChannels, x + (nint)n * inImage, u, b, o0, o1, relu, y + (nint)n * outImage);
                    }
                return;
            }
            float* cols = pointwise || direct ? null : Scratch(ref columnScratch, rows * p * group);
            if (pooling && PooledDirectConvolution.Applies(g, pool, rows, level))
            {
                // Convolved and pooled in registers, image by image: no full-size output at all.
                for (int n = first; n < last; n++)
                {
                    float* pooled = y + (nint)n * pooledImage + o0 * pooledPlane;
                    PooledDirectConvolution.Forward(g, pool, channels, x + (nint)n * inImage, w, b, o0, o1, pooled,
                        poolIdx + (nint)n * pooledImage + o0 * pooledPlane);
                    var span = new Span<float>(pooled, m * pooledPlane);
                    TensorPrimitives.Max(span, 0f, span);
                }
                return;
            }
            float* convolved = pooling || group > 1 ? Scratch(ref planeScratch, outImage * group) : null;
            int groups = GroupCount(first, last, group);
            for (int k = 0; k < groups; k++)
            {
                var (n0, count) = GroupOf(first, last, groups, k);
                int ld = count * p;
                // One image without pooling is written in place; otherwise into the group's scratch.
                bool inPlace = convolved == null;
                float* target = inPlace ? y + (nint)n0 * outImage : convolved;
                if (direct)
                    for (int i = 0; i < count; i++)
                        DirectConvolution.Forward(g, channels, x + (nint)(n0 + i) * inImage, w, b, o0, o1, target + i * p, ld);
                else ForwardProduct(n0, count, ld, o0, o1, cols, target);
                for (int i = 0; i < count; i++)
                {
                    int n = n0 + i;
                    if (pooling)
                    {
                        float* pooled = y + (nint)n * pooledImage + o0 * pooledPlane;
                        int* winners = poolIdx + (nint)n * pooledImage + o0 * pooledPlane;
                        for (int o = 0; o < m; o++)
                            MaxPool.ForwardPlane(pool, target + (nint)(o0 + o) * ld + i * p, pooled + o * pooledPlane, winners + o * pooledPlane, level);
                        // The ReLU after the pooling: a quarter of the work, the same values.
                        var span = new Span<float>(pooled, m * pooledPlane);
                        TensorPrimitives.Max(span, 0f, span);
                        continue;
                    }
                    float* yn = y + (nint)n * outImage;
                    for (int o = o0; o < o1 && !inPlace; o++)
                        new ReadOnlySpan<float>(target + (nint)o * ld + i * p, p).CopyTo(new Span<float>(yn + o * p, p));
                    if (relu)
                    {
                        var span = new Span<float>(yn + o0 * p, m * p);
                        TensorPrimitives.Max(span, 0f, span);
                    }
                }
            }
        }

        /// <summary>The convolution of <paramref name="count"/> images as im2col and one GEMM, into rows <paramref name="ld"/> apart.</summary>
        void ForwardProduct(int n0, int count, int ld, int o0, int o1, float* cols, float* target)
        {
            int p = g.OutPlane, inImage = channels * g.InPlane, m = o1 - o0;
            bool pointwise = g.IsPointwise;
            if (!pointwise && LoweredImages.Applies(g, level) && Gemm.TakesPanelSource(m, ld))
            {
                // The columns go straight into the GEMM's panels: no column matrix to write and pack again.
                float beta0 = PrefillBias(o0, o1, ld, target);
                Gemm.Multiply(false, m, ld, rows, 1f, w + (nint)o0 * rows, rows,
                    LoweredImages.Current.Set(g, channels, x + (nint)n0 * inImage, count), beta0, target + (nint)o0 * ld, ld, level, gemmThreads);
                return;
            }
            for (int i = 0; i < count; i++)
                if (!pointwise) Im2Col.Pack(g, channels, x + (nint)(n0 + i) * inImage, cols + i * p, ld, level);
            float beta = PrefillBias(o0, o1, ld, target);
            Gemm.Multiply(false, false, m, ld, rows, 1f,
                new ReadOnlySpan<float>(w + (nint)o0 * rows, m * rows), rows,
                new ReadOnlySpan<float>(pointwise ? x + (nint)n0 * inImage : cols, rows * ld), ld, beta,
                new Span<float>(target + (nint)o0 * ld, m * ld), ld, level, gemmThreads);
        }

        /// <summary>Fills rows [o0, o1) of the target with their bias, for the GEMM to add onto; returns the GEMM's beta.</summary>
        float PrefillBias(int o0, int o1, int ld, float* target)
        {
            if (b == null) return 0f;
            for (int o = o0; o < o1; o++) new Span<float>(target + (nint)o * ld, ld).Fill(b[o]);
            return 1f;
        }

        /// <summary>
        /// Writes the gradient of image <paramref name="n"/>'s convolution output into <paramref name="target"/>
        /// (rows <paramref name="ld"/> apart): the output gradient itself, or, with a fused ReLU (and pooling),
        /// the gradient rebuilt from the masked (and scattered) output gradient.
        /// </summary>
        void ConvolutionOutputGradient(int n, float* target, int ld)
        {
            int p = g.OutPlane, outImage = outChannels * p;
            if (!pooling)
            {
                nint first = (nint)n * outImage;
                for (int o = 0; o < outChannels; o++)
                    if (reluOut == null) new ReadOnlySpan<float>(gy + first + o * p, p).CopyTo(new Span<float>(target + (nint)o * ld, p));
                    else ReluGradient.Mask(gy + first + o * p, reluOut + first + o * p, target + (nint)o * ld, p);
                return;
            }
            // A pooled value that is not positive was cut by the ReLU: no gradient reaches its window.
            int pooledPlane = pool.OutPlane, pooledImage = outChannels * pooledPlane;
            nint start = (nint)n * pooledImage;
            for (int o = 0; o < outChannels; o++)
            {
                nint at = start + o * pooledPlane;
                MaxPool.BackwardPlane(pool, gy + at, poolIdx + at, target + (nint)o * ld, reluOut + at, level);
            }
        }

        void BackwardImages(int chunk, int first, int last)
        {
            if (winograd) { WinogradBackward(chunk, first, last); return; }
            if (pooling && gx == null && reluOut != null && PooledDirectConvolution.GradientApplies(g, pool, rows, level))
            {
                PooledDirectBackward(chunk, first, last);
                return;
            }
            int p = g.OutPlane, inImage = channels * g.InPlane, outImage = outChannels * p, group = GroupSize();
            bool pointwise = g.IsPointwise;
            // Few taps: the weight gradient is too narrow a product for the GEMM (see DirectConvolution).
            bool directGradient = !pointwise && DirectConvolution.Applies(g, rows, level);
            // One image whose gradient needs no rebuilding is read in place.
            bool readInPlace = group == 1 && reluOut == null;
            // The weight gradient's columns go straight into the GEMM's panels, transposed: no im2col matrix to
            // write and transpose while packing.
            bool lowered = !pointwise && !directGradient && TransposedLoweredImages.Applies(g, level) && Gemm.TakesPanelSource(outChannels, rows);
            float* cols = gw == null || pointwise || lowered ? null : Scratch(ref columnScratch, rows * p * group);
            float* dcols = gx == null || pointwise ? null : Scratch(ref gradColumnScratch, rows * p * group);
            float* dconv = readInPlace ? null : Scratch(ref planeScratch, outImage * group);
            int weightSize = outChannels * rows;
            fixed (float* pw = partialW, pb = partialB)
            {
                float* myW = gw == null ? null : pw + (nint)chunk * weightSize;
                float* myB = gb == null ? null : pb + (nint)chunk * outChannels;
                if (myB != null) new Span<float>(myB, outChannels).Clear();
                int groups = GroupCount(first, last, group);
                for (int k = 0; k < groups; k++)
                {
                    var (n0, count) = GroupOf(first, last, groups, k);
                    int ld = count * p;
                    float* dy = dconv;
                    if (readInPlace) dy = gy + (nint)n0 * outImage;
                    else for (int i = 0; i < count; i++) ConvolutionOutputGradient(n0 + i, dconv + i * p, ld);
                    var dySpan = new ReadOnlySpan<float>(dy, outChannels * ld);
                    if (myW != null && lowered)
                        Gemm.Multiply(false, outChannels, rows, ld, 1f, dy, ld, TransposedLoweredImages.Current.Set(g, channels, x + (nint)n0 * inImage, count),
                            k == 0 ? 0f : 1f, myW, rows, level, gemmThreads);
                    else if (myW != null)
                    {
                        float* columns = pointwise ? x + (nint)n0 * inImage : cols;
                        for (int i = 0; i < count && !pointwise; i++) Im2Col.Pack(g, channels, x + (nint)(n0 + i) * inImage, cols + i * p, ld, level);
                        if (directGradient)
                            DirectConvolution.WeightGradient(outChannels, rows, ld, dy, ld, columns, ld, myW, k == 0 ? 0f : 1f);
                        else
                            Gemm.Multiply(false, true, outChannels, rows, ld, 1f, dySpan, ld, new ReadOnlySpan<float>(columns, rows * ld), ld,
                                k == 0 ? 0f : 1f, new Span<float>(myW, weightSize), rows, level, gemmThreads);
                    }
                    if (myB != null)
                        for (int o = 0; o < outChannels; o++) myB[o] += TensorPrimitives.Sum(dySpan.Slice(o * ld, ld));
                    if (gx != null)
                    {
                        float* target = pointwise ? gx + (nint)n0 * inImage : dcols;
                        Gemm.Multiply(true, false, rows, ld, outChannels, 1f, new ReadOnlySpan<float>(w, weightSize), rows, dySpan, ld, 0f,
                            new Span<float>(target, rows * ld), ld, level, gemmThreads);
                        for (int i = 0; i < count && !pointwise; i++) Im2Col.Unpack(g, channels, dcols + i * p, gx + (nint)(n0 + i) * inImage, ld, level);
                    }
                }
            }
        }

        /// <summary>
        /// The Winograd path's backward of images [first, last): the chunk's weight gradient summed in the
        /// transformed domain, image by image in order, and transformed back once into the chunk's partial.
        /// </summary>
        void WinogradBackward(int chunk, int first, int last)
        {
            int inImage = channels * g.InPlane, outImage = outChannels * (pooling ? pool.OutPlane : g.OutPlane);
            int size = WinogradConvolution.TransformedSize(channels, outChannels);
            fixed (float* ut = transformed, pu = partialU, pw = partialW, pb = partialB)
            {
                float* myU = gw == null ? null : pu + (nint)chunk * size;
                float* myB = gb == null ? null : pb + (nint)chunk * outChannels;
                if (myU != null) new Span<float>(myU, size).Clear();
                if (myB != null) new Span<float>(myB, outChannels).Clear();
                for (int n = first; n < last; n++)
                {
                    nint at = (nint)n * outImage;
                    float* xn = x + (nint)n * inImage, gxn = gx == null ? null : gx + (nint)n * inImage, un = gx == null ? null : ut;
                    if (n + 1 < last) WinogradConvolution.Prefetch(xn + inImage, inImage);
                    if (pooling)
                        WinogradConvolution.BackwardPooled(g, channels, outChannels, xn, un, reluOut + at, poolIdx + at, gy + at, gxn, myU, myB);
                    else WinogradConvolution.Backward(g, channels, outChannels, xn, un, reluOut == null ? null : reluOut + at, gy + at, gxn, myU, myB);
                }
                if (myU != null) WinogradConvolution.WeightGradient(myU, channels, outChannels, pw + (nint)chunk * outChannels * rows);
            }
        }

        /// <summary>
        /// A pooled first layer's backward (no input gradient) straight from the pooled gradient: the chunk's images
        /// summed in order into per-lane sums, whose lanes are added once at the end into the chunk's partials.
        /// </summary>
        void PooledDirectBackward(int chunk, int first, int last)
        {
            int inImage = channels * g.InPlane, pooledImage = outChannels * pool.OutPlane, stride = (rows + 1) * 16;
            // The lane sums, then the image's permuted pixels, each on a cache line of its own.
            int pixels = PooledDirectConvolution.PixelsScratchSize(pool, channels) * 16;
            float* sums = (float*)(((nint)Scratch(ref laneSumScratch, outChannels * stride + pixels + 16) + 63) & ~(nint)63);
            new Span<float>(sums, outChannels * stride).Clear();
            for (int n = first; n < last; n++)
            {
                nint at = (nint)n * pooledImage;
                PooledDirectConvolution.AccumulateWeightGradient(g, pool, channels, outChannels, x + (nint)n * inImage, reluOut + at, poolIdx + at, gy + at,
                    sums, (Vector512<float>*)(sums + outChannels * stride));
            }
            fixed (float* pw = partialW, pb = partialB)
                for (int o = 0; o < outChannels; o++)
                {
                    float* sum = sums + (nint)o * stride;
                    if (gw != null)
                        for (int t = 0; t < rows; t++) pw[((nint)chunk * outChannels + o) * rows + t] = Vector512.Sum(Vector512.Load(sum + t * 16));
                    if (gb != null) pb[chunk * outChannels + o] = Vector512.Sum(Vector512.Load(sum + rows * 16));
                }
        }

        /// <summary>Adds the per-chunk partial sums into the targets, in chunk order.</summary>
        void FinishGradients()
        {
            if (!backward) return;
            if (gw != null) Reduce(partialW, outChannels * rows, gw, betaW);
            if (gb != null) Reduce(partialB, outChannels, gb, betaB);
        }

        void Reduce(float[] partial, int size, float* target, float beta)
        {
            var t = new Span<float>(target, size);
            if (beta == 0f) t.Clear();
            for (int c = 0; c < parts; c++) TensorPrimitives.Add(t, partial.AsSpan(c * size, size), t);
        }
    }
}
