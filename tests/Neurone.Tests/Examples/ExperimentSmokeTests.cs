using Neurone.Experiments;

namespace Neurone.Tests.Examples;

/// <summary>
/// Every classic experiment, run at its smoke size so none of them rots: it must finish, report figures
/// and write its pictures. The full runs (docs/experiments.md) are opt-in, from the command line.
/// </summary>
public class ExperimentSmokeTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var e in ExperimentRegistry.All()) data.Add(e.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void RunsAtSmokeSize(string name)
    {
        using var temp = new TempFolder();
        var experiment = ExperimentRegistry.All().Single(e => e.Name == name);
        var results = experiment.Run(new ExperimentContext(temp.Path, Smoke: true, TextWriter.Null));
        Assert.NotEmpty(results);
        Assert.NotEmpty(Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
    }
}
