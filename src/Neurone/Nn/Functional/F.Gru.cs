using System.Numerics.Tensors;
using Neurone.Autograd;
using Neurone.Kernels;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Nn.Functional;

public static partial class F
{
    /// <summary>
    /// One GRU layer in one direction over a whole sequence, with PyTorch's equations and gate order (r, z, n):
    /// r = σ(W_ir·x + b_ir + W_hr·h + b_hr), z likewise, n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn)),
    /// h′ = (1 − z)·n + z·h; <paramref name="weightIh"/> [3H, I], <paramref name="weightHh"/> [3H, H], biases [3H]
    /// or null. Shapes, <paramref name="lengths"/>, <paramref name="reverse"/> and <paramref name="batchFirst"/> as
    /// <see cref="Lstm"/>. Returns the outputs and the final h, [B, H].
    /// </summary>
    /// <remarks>
    /// Fused as <see cref="Lstm"/>: one GEMM for the input projection of all steps, one GEMM per step for the three
    /// recurrent gates and one pass (<see cref="RecurrentCells.GruForward"/>) for the rest; the backward one GEMM
    /// per step and one GEMM per weight gradient over all steps.
    /// </remarks>
    public static GruOutput Gru(Tensor input, Tensor weightIh, Tensor weightHh, Tensor? biasIh = null, Tensor? biasHh = null,
        Tensor? h0 = null, Tensor? lengths = null, bool reverse = false, bool batchFirst = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weightIh);
        ArgumentNullException.ThrowIfNull(weightHh);
        SequenceLayout.CheckWeights("gru", weightIh, weightHh, biasIh, biasHh, 3, out int hidden, out int inputSize);
        var seq = SequenceLayout.Of("gru", input, inputSize, batchFirst, lengths);
        seq.CheckState("gru", "h0", h0, hidden);
        int rows = seq.Rows, batch = seq.Batch, g3 = 3 * hidden, state = batch * hidden;

        var inputs = RecurrentInputs(input, weightIh, weightHh, biasIh, biasHh, h0, null);
        bool save = Graph.Needs(inputs);

        var packed = Tensor.Uninitialized([rows * hidden + state]);
        var ps = packed.AsSpan();
        var y = ps[..(rows * hidden)];
        var hState = ps.Slice(rows * hidden, state);
        if (h0 is null) hState.Clear(); else h0.AsReadOnlySpan().CopyTo(hState);

        // b_hh stays on the recurrent side: n needs r·(W_hn·h + b_hn) whole.
        var gates = GC.AllocateUninitializedArray<float>(rows * g3);
        InputProjection(input, weightIh, biasIh, null, rows, g3, inputSize, gates);
        var recurrent = GC.AllocateUninitializedArray<float>(batch * g3);

        float[]? hPrev = save ? GC.AllocateUninitializedArray<float>(rows * hidden) : null;
        float[] hn = GC.AllocateUninitializedArray<float>(save ? rows * hidden : hidden);
        var level = Simd.Best;
        var whh = weightHh.AsReadOnlySpan();
        int stepThreads = StepThreads(batch, hidden);
        int stride = seq.RowStride;
        for (int s = 0; s < seq.Steps; s++)
        {
            int t = seq.StepAt(s, reverse), r0 = seq.FirstRow(t);
            if (save)
                for (int b = 0; b < batch; b++)
                    hState.Slice(b * hidden, hidden).CopyTo(hPrev.AsSpan((r0 + b * stride) * hidden, hidden));
            float beta = 0f;
            if (biasHh is not null)
            {
                var bh = biasHh.AsReadOnlySpan();
                for (int b = 0; b < batch; b++) bh.CopyTo(recurrent.AsSpan(b * g3, g3));
                beta = 1f;
            }
            Gemm.Multiply(false, true, batch, g3, hidden, 1f, hState, hidden, whh, hidden, beta, recurrent, g3, level, stepThreads);
            for (int b = 0; b < batch; b++)
            {
                int row = r0 + b * stride;
                var yRow = y.Slice(row * hidden, hidden);
                if (!seq.Active(b, t)) { yRow.Clear(); continue; }
                var hRow = hState.Slice(b * hidden, hidden);
                RecurrentCells.GruForward(level, hidden, gates.AsSpan(row * g3, g3), recurrent.AsSpan(b * g3, g3),
                    save ? hn.AsSpan(row * hidden, hidden) : hn, hRow);
                hRow.CopyTo(yRow);
            }
        }

        if (save)
            Graph.Record(packed, "gru", inputs, g => GruBackward(g, seq, reverse, inputs, input, weightIh, weightHh, biasIh, biasHh, h0,
                gates, hPrev!, hn, hidden, inputSize));
        return new GruOutput(SequencePart(packed, 0, seq, hidden), StatePart(packed, rows * hidden, batch, hidden));
    }

    static Tensor?[] GruBackward(Tensor g, SequenceLayout seq, bool reverse, Tensor[] inputs, Tensor input, Tensor weightIh, Tensor weightHh,
        Tensor? biasIh, Tensor? biasHh, Tensor? h0, float[] gates, float[] hPrev, float[] hn, int hidden, int inputSize)
    {
        int rows = seq.Rows, batch = seq.Batch, g3 = 3 * hidden, state = batch * hidden, stride = seq.RowStride;
        var gs = g.AsReadOnlySpan();
        var gy = gs[..(rows * hidden)];
        var dhCarry = gs.Slice(rows * hidden, state).ToArray();
        var next = new float[state];
        var dh = new float[hidden];
        var dGatesX = GC.AllocateUninitializedArray<float>(rows * g3);
        var dGatesH = GC.AllocateUninitializedArray<float>(rows * g3);
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
                    dGatesX.AsSpan(row * g3, g3).Clear();
                    dGatesH.AsSpan(row * g3, g3).Clear();
                    carry.CopyTo(nextRow);
                    continue;
                }
                TensorPrimitives.Add(gy.Slice(row * hidden, hidden), carry, dh);
                RecurrentCells.GruBackward(level, hidden, gates.AsSpan(row * g3, g3), hn.AsSpan(row * hidden, hidden),
                    hPrev.AsSpan(row * hidden, hidden), dh, dGatesX.AsSpan(row * g3, g3), dGatesH.AsSpan(row * g3, g3), nextRow);
            }
            // next = dh·z (written above) + the gradient reaching h₍ₜ₋₁₎ through the three recurrent gates.
            Gemm.Multiply(false, false, batch, hidden, g3, 1f, dGatesH.AsSpan(r0 * g3), stride * g3, whh, hidden, 1f, next, hidden, level, stepThreads);
            (dhCarry, next) = (next, dhCarry);
        }
        return RecurrentGradients(inputs, input, weightIh, weightHh, biasIh, biasHh, h0, null, dGatesX, dGatesH, hPrev, dhCarry, null,
            rows, g3, hidden, inputSize);
    }
}
