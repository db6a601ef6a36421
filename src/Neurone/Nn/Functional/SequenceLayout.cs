using Neurone.Tensors;

namespace Neurone.Nn.Functional;

/// <summary>
/// Where step t of batch row b lives in a [T, B, ·] or batch-first [B, T, ·] sequence, and whether it is inside
/// that row's length. The recurrent ops keep every buffer in the input's own order, so batch-first input needs no
/// transpose: the rows of one step are a strided set (stride T rows) that the GEMMs take through their leading
/// dimension.
/// </summary>
internal sealed class SequenceLayout
{
    public int Steps { get; }
    public int Batch { get; }
    public bool BatchFirst { get; }
    /// <summary>Each row's length, or null when every row runs all <see cref="Steps"/>.</summary>
    public int[]? Lengths { get; }

    SequenceLayout(int steps, int batch, bool batchFirst, int[]? lengths)
    {
        Steps = steps;
        Batch = batch;
        BatchFirst = batchFirst;
        Lengths = lengths;
    }

    /// <summary>Reads the shape of <paramref name="input"/> (rank 3) and checks <paramref name="lengths"/> (Int64 [B], each in [0, T]).</summary>
    public static SequenceLayout Of(string op, Tensor input, int inputSize, bool batchFirst, Tensor? lengths)
    {
        if (input.DType != DType.Float32 || input.Rank != 3 || input.Size(2) != inputSize)
            throw new ArgumentException($"{op}: expected a Float32 input of shape {(batchFirst ? "[batch, steps, " : "[steps, batch, ")}{inputSize}], got {Shapes.Format(input.Shape)} ({input.DType}).");
        int steps = batchFirst ? input.Size(1) : input.Size(0);
        int batch = batchFirst ? input.Size(0) : input.Size(1);
        int[]? lens = null;
        if (lengths is not null)
        {
            if (lengths.DType != DType.Int64 || lengths.Rank != 1 || lengths.Size(0) != batch)
                throw new ArgumentException($"{op}: expected lengths as an Int64 tensor of shape [{batch}], got {Shapes.Format(lengths.Shape)} ({lengths.DType}).");
            var ls = lengths.AsLongSpan();
            lens = new int[batch];
            bool all = true;
            for (int b = 0; b < batch; b++)
            {
                if (ls[b] < 0 || ls[b] > steps)
                    throw new ArgumentOutOfRangeException(nameof(lengths), $"{op}: length {ls[b]} of batch row {b} is outside [0, {steps}] for an input of {steps} steps.");
                lens[b] = (int)ls[b];
                all &= lens[b] == steps;
            }
            if (all) lens = null;
        }
        return new SequenceLayout(steps, batch, batchFirst, lens);
    }

    /// <summary>Number of rows (steps × batch).</summary>
    public int Rows => Steps * Batch;

    /// <summary>The row index of (step t, batch row 0).</summary>
    public int FirstRow(int t) => BatchFirst ? t : t * Batch;

    /// <summary>The distance in rows between batch rows b and b + 1 of one step.</summary>
    public int RowStride => BatchFirst ? Steps : 1;

    /// <summary>Whether batch row b is inside its sequence at step t.</summary>
    public bool Active(int b, int t) => Lengths is null || t < Lengths[b];

    /// <summary>Whether every batch row is inside its sequence at step t.</summary>
    public bool AllActive(int t)
    {
        if (Lengths is null) return true;
        foreach (int l in Lengths) if (t >= l) return false;
        return true;
    }

    /// <summary>The time step processed at position s of the scan: s forward, T − 1 − s in reverse.</summary>
    public int StepAt(int s, bool reverse) => reverse ? Steps - 1 - s : s;

    /// <summary>Checks an initial state: [B, H] Float32.</summary>
    public void CheckState(string op, string name, Tensor? state, int hidden)
    {
        if (state is null) return;
        if (state.DType != DType.Float32 || state.Rank != 2 || state.Size(0) != Batch || state.Size(1) != hidden)
            throw new ArgumentException($"{op}: expected {name} of shape [{Batch}, {hidden}], got {Shapes.Format(state.Shape)} ({state.DType}).");
    }

    /// <summary>Checks a weight [gates·H, in] and an optional bias [gates·H].</summary>
    public static void CheckWeights(string op, Tensor weightIh, Tensor weightHh, Tensor? biasIh, Tensor? biasHh, int gates, out int hidden, out int inputSize)
    {
        if (weightHh.Rank != 2 || weightHh.Size(0) != gates * weightHh.Size(1))
            throw new ArgumentException($"{op}: expected weight_hh of shape [{gates}·hidden, hidden], got {Shapes.Format(weightHh.Shape)}.");
        hidden = weightHh.Size(1);
        if (weightIh.Rank != 2 || weightIh.Size(0) != gates * hidden)
            throw new ArgumentException($"{op}: expected weight_ih of shape [{gates * hidden}, input_size], got {Shapes.Format(weightIh.Shape)}.");
        inputSize = weightIh.Size(1);
        foreach (var (bias, name) in new[] { (biasIh, "bias_ih"), (biasHh, "bias_hh") })
            if (bias is not null && (bias.Rank != 1 || bias.Size(0) != gates * hidden))
                throw new ArgumentException($"{op}: expected {name} of shape [{gates * hidden}], got {Shapes.Format(bias.Shape)}.");
    }
}
