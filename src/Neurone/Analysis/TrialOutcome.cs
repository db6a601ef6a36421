using Neurone.Nn;

namespace Neurone.Analysis;

/// <summary>
/// What a trial function returns: the validation accuracy the search ranks by, and optionally the trained
/// model, which the search keeps for the best trial only (the others are dropped to free memory).
/// </summary>
public sealed record TrialOutcome(double ValidationAccuracy, Module? Model = null)
{
    /// <summary>A bare accuracy is an outcome without a model.</summary>
    public static implicit operator TrialOutcome(double validationAccuracy) => new(validationAccuracy);
}
