namespace Neurone.Tests;

/// <summary>
/// The test classes that change the process-wide <see cref="Neurone.Kernels.Parallelism.Threads"/>. xunit runs
/// test classes in parallel; in one collection these run one at a time, so none meets another's setting in the
/// middle of a test (the worker pool's thread-count test once saw 3 threads where it had allowed 2).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ThreadSettingCollection
{
    public const string Name = "Parallelism.Threads";
}
