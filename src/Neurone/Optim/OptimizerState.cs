namespace Neurone.Optim;

/// <summary>
/// A snapshot of an <see cref="Optimizer"/>'s mutable state, in a form a checkpoint writer can store
/// as it is: the learning rate of each parameter group and the groups' sizes, the per-parameter buffers keyed "index.name" (for example
/// "0.exp_avg", "3.momentum_buffer"; the index is the parameter's position in the list the optimizer
/// was built from, counted across the groups in order, as in PyTorch's state dict) and the per-parameter step counts keyed "index.step".
/// Parameters that have never been stepped have no entries. The arrays are copies: the snapshot does
/// not change when the optimizer steps, and loading it back restores the optimizer bit for bit.
/// </summary>
/// <param name="Kind">The optimizer's type name ("Adam", "SGD", …), checked on load.</param>
/// <param name="LearningRate">The first group's learning rate at the time of the snapshot.</param>
/// <param name="Buffers">Per-parameter float buffers by "index.name".</param>
/// <param name="Steps">Per-parameter step counts by "index.step".</param>
/// <param name="GroupLearningRates">Every group's learning rate, in order; null (snapshots from before groups) means one group at <paramref name="LearningRate"/>.</param>
/// <param name="GroupSizes">The number of parameters in each group; null means one group of all of them.</param>
public sealed record OptimizerState(
    string Kind,
    double LearningRate,
    IReadOnlyDictionary<string, float[]> Buffers,
    IReadOnlyDictionary<string, long> Steps,
    IReadOnlyList<double>? GroupLearningRates = null,
    IReadOnlyList<int>? GroupSizes = null);
