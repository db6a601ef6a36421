namespace Neurone.Analysis;

/// <summary>One finished trial: its number (in drawing order), round, parameters, accuracy and time.</summary>
public sealed record TrialResult(int Trial, int Round, TrialParameters Parameters, double ValidationAccuracy, TimeSpan Duration);
