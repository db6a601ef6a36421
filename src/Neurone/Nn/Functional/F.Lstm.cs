using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// One LSTM layer in one direction over a whole sequence, with PyTorch's equations, gate order (i, f, g, o) and
    /// weight layout: <paramref name="weightIh"/> [4H, I], <paramref name="weightHh"/> [4H, H], biases [4H] or null.
    /// <paramref name="input"/> is [T, B, I] (or [B, T, I] with <paramref name="batchFirst"/>); <paramref name="h0"/>
    /// and <paramref name="c0"/> are [B, H] (zeros when null). With <paramref name="lengths"/> (Int64 [B]) row b
    /// runs only its first lengths[b] steps, as a packed sequence: its outputs after them are zero, and its final
    /// state is the state after its own last step; <paramref name="reverse"/> runs from each row's own last step
    /// back to step 0. Returns the outputs [T, B, H] (or [B, T, H]) and the final h and c, [B, H].
    /// </summary>
    /// <remarks>
    /// Fused: the input projection of every step is one GEMM; each step is one GEMM for all four gates followed by
    /// one pass (<see cref="RecurrentCells.LstmForward"/>) that applies the nonlinearities and updates c and h. The
    /// backward walks the steps back with one GEMM per step (the gradient reaching h₍ₜ₋₁₎ through all gates) and
    /// one pass per step for the gate gradients, then forms the weight gradients as one GEMM each over all steps.
    /// </remarks>
    public static LstmOutput Lstm(Tensor input, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null,
        Tensor? h0 = null, Tensor? c0 = null, Tensor? lengths = null, bool reverse = false, bool batchFirst = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        SequenceLayout.CheckWeights("lstm", weightIh, weightHh, biasIh, biasHh, 4, out int hidden, out int inputSize);
        var seq = SequenceLayout.Of("lstm", input, inputSize, batchFirst, lengths);
        seq.CheckState("lstm", "h0", h0, hidden);
        seq.CheckState("lstm", "c0", c0, hidden);
        int rows = seq.Rows, batch = seq.Batch, g4 = 4 * hidden, state = batch * hidden;

        var inputs = RecurrentInputs(input, weightIh, weightHh, biasIh, biasHh, h0, c0);
        bool save = Graph.Needs(inputs);

        // One buffer for the three results, so the op is one node: outputs, then h_n, then c_n.
        var packed = Tensor.Uninitialized([rows * hidden + 2 * state]);
        var ps = packed.AsSpan();
        var y = ps[..(rows * hidden)];
        var hState = ps.Slice(rows * hidden, state);
        var cState = ps.Slice(rows * hidden + state, state);
        if (h0 is null) hState.Clear(); else h0.AsReadOnlySpan().CopyTo(hState);
        if (c0 is null) cState.Clear(); else c0.AsReadOnlySpan().CopyTo(cState);

        var gates = GC.AllocateUninitializedArray<float>(rows * g4);
        InputProjection(input, weightIh, biasIh, biasHh, rows, g4, inputSize, gates);

        // Saved for the backward: the state entering each step (h for W_hh's gradient, c for f's) and tanh(cₜ).
        float[]? hPrev = save ? GC.AllocateUninitializedArray<float>(rows * hidden) : null;
        float[]? cPrev = save ? GC.AllocateUninitializedArray<float>(rows * hidden) : null;
        float[] tanhC = GC.AllocateUninitializedArray<float>(save ? rows * hidden : hidden);
        var level = Simd.Best;
        var whh = weightHh.AsReadOnlySpan();
        int stepThreads = StepThreads(batch, hidden);
        int stride = seq.RowStride;
        for (int s = 0; s < seq.Steps; s++)
        {
            int t = seq.StepAt(s, reverse), r0 = seq.FirstRow(t);
            if (save)
                for (int b = 0; b < batch; b++)
                {
                    int row = r0 + b * stride;
                    hState.Slice(b * hidden, hidden).CopyTo(hPrev.AsSpan(row * hidden, hidden));
                    cState.Slice(b * hidden, hidden).CopyTo(cPrev.AsSpan(row * hidden, hidden));
                }
            Gemm.Multiply(false, true, batch, g4, hidden, 1f, hState, hidden, whh, hidden, 1f, gates.AsSpan(r0 * g4), stride * g4, level, stepThreads);
            for (int b = 0; b < batch; b++)
            {
                int row = r0 + b * stride;
                var yRow = y.Slice(row * hidden, hidden);
                if (!seq.Active(b, t)) { yRow.Clear(); continue; }
                var hRow = hState.Slice(b * hidden, hidden);
                RecurrentCells.LstmForward(level, hidden, gates.AsSpan(row * g4, g4), cState.Slice(b * hidden, hidden),
                    save ? tanhC.AsSpan(row * hidden, hidden) : tanhC, hRow);
                hRow.CopyTo(yRow);
            }
        }

        if (save)
            Graph.Record(packed, "lstm", inputs, g => LstmBackward(g, seq, reverse, inputs, input, weightIh, weightHh, biasIh, biasHh, h0, c0,
                gates, hPrev!, cPrev!, tanhC, hidden, inputSize));
        return new LstmOutput(SequencePart(packed, 0, seq, hidden), StatePart(packed, rows * hidden, batch, hidden),
            StatePart(packed, rows * hidden + state, batch, hidden));
    }

    static Tensor?[] LstmBackward(Tensor g, SequenceLayout seq, bool reverse, Tensor[] inputs, Tensor input, Tensor weightIh, Tensor weightHh,
        Tensor? biasIh, Tensor? biasHh, Tensor? h0, Tensor? c0, float[] gates, float[] hPrev, float[] cPrev, float[] tanhC, int hidden, int inputSize)
    {
        int rows = seq.Rows, batch = seq.Batch, g4 = 4 * hidden, state = batch * hidden, stride = seq.RowStride;
        var gs = g.AsReadOnlySpan();
        var gy = gs[..(rows * hidden)];
        var dhCarry = gs.Slice(rows * hidden, state).ToArray();
        var dcCarry = gs.Slice(rows * hidden + state, state).ToArray();
        var next = new float[state];
        var dh = new float[hidden];
        var dGates = GC.AllocateUninitializedArray<float>(rows * g4);
        var level = Simd.Best;
        var whh = weightHh.AsReadOnlySpan();
        int stepThreads = StepThreads(batch, hidden);
        for (int s = seq.Steps - 1; s >= 0; s--)
        {
            int t = seq.StepAt(s, reverse), r0 = seq.FirstRow(t);
            for (int b = 0; b < batch; b++)
            {
                int row = r0 + b * stride;
                var carry = dhCarry.AsSpan(b * hidden, hidden);
                var nextRow = next.AsSpan(b * hidden, hidden);
                if (!seq.Active(b, t))
                {
                    // Outside its sequence the row's state passes through unchanged, and so does its gradient.
                    dGates.AsSpan(row * g4, g4).Clear();
                    carry.CopyTo(nextRow);
                    continue;
                }
                TensorPrimitives.Add(gy.Slice(row * hidden, hidden), carry, dh);
                RecurrentCells.LstmBackward(level, hidden, gates.AsSpan(row * g4, g4), cPrev.AsSpan(row * hidden, hidden),
                    tanhC.AsSpan(row * hidden, hidden), dh, dcCarry.AsSpan(b * hidden, hidden), dGates.AsSpan(row * g4, g4));
                nextRow.Clear();
            }
            // The gradient reaching h₍ₜ₋₁₎ through all four gates at once.
            Gemm.Multiply(false, false, batch, hidden, g4, 1f, dGates.AsSpan(r0 * g4), stride * g4, whh, hidden, 1f, next, hidden, level, stepThreads);
            (dhCarry, next) = (next, dhCarry);
        }
        return RecurrentGradients(inputs, input, weightIh, weightHh, biasIh, biasHh, h0, c0, dGates, dGates, hPrev, dhCarry, dcCarry,
            rows, g4, hidden, inputSize);
    }

    /// <summary>
    /// Threads for one step's recurrent GEMM. A step is a small product (B×4H×H: 2M multiply-adds for the IMDB LSTM)
    /// repeated T times in sequence, and each parallel GEMM waits for its slowest thread: measured on this 2-core
    /// machine under load, a second thread made the IMDB training step 1.3–2× slower, not faster. So only products
    /// of 8M multiply-adds or more (batch 256 at H = 128) are split.
    /// </summary>
    static int StepThreads(int batch, int hidden) => (long)batch * 4 * hidden * hidden >= 1L << 23 ? Parallelism.Threads : 1;

    /// <summary>The op's differentiable inputs in a fixed order, the absent ones left out.</summary>
    static Tensor[] RecurrentInputs(Tensor input, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh, Tensor? h0, Tensor? c0)
    {
        var list = new List<Tensor>(7) { input, weightIh, weightHh };
        if (biasIh is not null) list.Add(biasIh);
        if (biasHh is not null) list.Add(biasHh);
        if (h0 is not null) list.Add(h0);
        if (c0 is not null) list.Add(c0);
        return list.ToArray();
    }

    /// <summary>gates = x·W_ihᵀ + b_ih + b_hh for every step at once (one GEMM onto the broadcast biases).</summary>
    static void InputProjection(Tensor input, Tensor weightIh, Tensor? biasIh, Tensor? biasHh, int rows, int width, int inputSize, Span<float> gates)
    {
        float beta = 0f;
        if (biasIh is not null || biasHh is not null)
        {
            var bias = new float[width];
            if (biasIh is not null) TensorPrimitives.Add(bias, biasIh.AsReadOnlySpan(), bias);
            if (biasHh is not null) TensorPrimitives.Add(bias, biasHh.AsReadOnlySpan(), bias);
            for (int r = 0; r < rows; r++) bias.CopyTo(gates.Slice(r * width, width));
            beta = 1f;
        }
        Gemm.Multiply(false, true, rows, width, inputSize, 1f, input.AsReadOnlySpan(), inputSize, weightIh.AsReadOnlySpan(), inputSize, beta, gates, width);
    }

    /// <summary>
    /// The gradients of a recurrent op's inputs from the per-step pre-activation gradients: dx and the two weight
    /// gradients as one GEMM each over all steps, the biases as column sums. <paramref name="dGatesX"/> feeds the
    /// input side (W_ih, b_ih, x) and <paramref name="dGatesH"/> the recurrent side (W_hh, b_hh); for an LSTM they
    /// are the same array.
    /// </summary>
    static Tensor?[] RecurrentGradients(Tensor[] inputs, Tensor input, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh,
        Tensor? h0, Tensor? c0, float[] dGatesX, float[] dGatesH, float[] hPrev, float[] dh0, float[]? dc0, int rows, int width, int hidden, int inputSize)
    {
        // Positions follow RecurrentInputs: x, W_ih, W_hh, then those of b_ih, b_hh, h0, c0 that were given.
        var grads = new Tensor?[inputs.Length];
        if (input.RequiresGrad)
        {
            var dx = Tensor.Uninitialized(input.ShapeArray());
            Gemm.Multiply(false, false, rows, inputSize, width, 1f, dGatesX, width, weightIh.AsReadOnlySpan(), inputSize, 0f, dx.AsSpan(), inputSize);
            grads[0] = dx;
        }
        if (weightIh.RequiresGrad) grads[1] = WeightGradient(weightIh, dGatesX, input.AsReadOnlySpan(), rows, width, inputSize);
        if (weightHh.RequiresGrad) grads[2] = WeightGradient(weightHh, dGatesH, hPrev, rows, width, hidden);
        int k = 3;
        if (biasIh is not null) { if (biasIh.RequiresGrad) grads[k] = ColumnSums(biasIh, dGatesX, rows, width); k++; }
        if (biasHh is not null) { if (biasHh.RequiresGrad) grads[k] = ColumnSums(biasHh, dGatesH, rows, width); k++; }
        if (h0 is not null) { if (h0.RequiresGrad) grads[k] = Tensor.FromArray(dh0, h0.ShapeArray()); k++; }
        if (c0 is not null && dc0 is not null && c0.RequiresGrad) grads[k] = Tensor.FromArray(dc0, c0.ShapeArray());
        return grads;
    }

    /// <summary>dW = dGᵀ·A over all steps: straight into a leaf's .Grad (as F.Linear), else a fresh tensor.</summary>
    static Tensor? WeightGradient(Tensor weight, ReadOnlySpan<float> dGates, ReadOnlySpan<float> a, int rows, int width, int cols)
    {
        if (weight.IsLeaf)
        {
            var target = weight.GradAccumulationBuffer(out float beta);
            Gemm.Multiply(true, false, width, cols, rows, 1f, dGates, width, a, cols, beta, target, cols);
            return null;
        }
        var dw = Tensor.Uninitialized([width, cols]);
        Gemm.Multiply(true, false, width, cols, rows, 1f, dGates, width, a, cols, 0f, dw.AsSpan(), cols);
        return dw;
    }

    static Tensor? ColumnSums(Tensor bias, ReadOnlySpan<float> dGates, int rows, int width)
    {
        Tensor? db = null;
        Span<float> acc;
        if (bias.IsLeaf) acc = bias.GradAccumulator();
        else
        {
            db = new Tensor(width);
            acc = db.AsSpan();
        }
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(acc, dGates.Slice(r * width, width), acc);
        return db;
    }

    /// <summary>The outputs part of a packed result, shaped [T, B, H] or [B, T, H].</summary>
    static Tensor SequencePart(Tensor packed, int start, SequenceLayout seq, int hidden)
    {
        var part = packed.Slice(start, seq.Rows * hidden);
        return seq.BatchFirst ? part.Reshape(seq.Batch, seq.Steps, hidden) : part.Reshape(seq.Steps, seq.Batch, hidden);
    }

    static Tensor StatePart(Tensor packed, int start, int batch, int hidden) => packed.Slice(start, batch * hidden).Reshape(batch, hidden);
}
