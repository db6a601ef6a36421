using Neurone.Examples.ResidualNets;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Examples;

/// <summary>
/// The residual nets as user modules: they train, save, load in a fresh process (the example's
/// predict mode, which registers them and calls Model.Load) and predict the same bits; their summaries
/// show the tree.
/// </summary>
public sealed class ResidualNetsTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>The first line of <paramref name="summary"/> starting with <paramref name="label"/> and a space.</summary>
    static string Row(string summary, string label) => summary.Split('\n').First(l => l.StartsWith(label + " ", StringComparison.Ordinal));

    static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    void TrainsSavesAndPredictsTheSameInAFreshProcess(Module model, (Tensor X, Tensor Y) data, Optimizer optimizer, int steps)
    {
        var (first, last) = ResidualDemo.Train(model, optimizer, data.X, data.Y, steps);
        Assert.True(last < 0.5f * first, $"loss {first} → {last}: expected it to halve at least");

        string modelPath = temp.File("model.safetensors"), input = temp.File("x.safetensors"), output = temp.File("y.safetensors");
        Model.Save(model, modelPath);
        SafeTensors.Save(input, [new("x", data.X)]);
        using var child = ChildProcess.Start("ResidualNets", "predict", modelPath, input, output);
        Assert.True(child.WaitForExit() == 0, string.Join("\n", child.Lines.Concat(child.ErrorLines)));
        var theirs = SafeTensors.Load(output).Tensors.Single().Value;
        Assert.Equal(Bits(ResidualDemo.Predict(model, data.X)), Bits(theirs));
    }

    [Fact]
    public void TheResidualMlpTrainsAndLoadsInAFreshProcess()
    {
        ResidualDemo.Register();
        var model = new ResidualMlp(2, 16, 2, 3, new Rng(1));
        TrainsSavesAndPredictsTheSameInAFreshProcess(model, ResidualDemo.Spirals(40, 2),
            new AdamW(ParamGroup.DecayWeightsOnly(model, 0.01), lr: 0.01), steps: 150);

        string summary = ModelSummary.Of(model, 2);
        Assert.Contains("[N,3]", Row(summary, "ResidualMlp "));
        Assert.Contains(" —  ", Row(summary, "  blocks (ModuleList<ResidualBlock>)"));
        Assert.EndsWith("1,088", Row(summary, "  blocks (ModuleList<ResidualBlock>)"));
        Assert.Contains("[N,16]", Row(summary, "    1 (ResidualBlock)"));
        Assert.Contains("[N,16]", Row(summary, "      body (Sequential)"));
        Assert.Contains("272", Row(summary, "        2 (Linear)"));
        Assert.Contains("Total params: 1,187", summary);
    }

    [Fact]
    public void TheResidualCnnTrainsAndLoadsInAFreshProcess()
    {
        ResidualDemo.Register();
        var model = new ResidualCnn(1, 4, 2, 3, new Rng(3));
        TrainsSavesAndPredictsTheSameInAFreshProcess(model, ResidualDemo.Bars(48, 4),
            new SGD(ParamGroup.DecayWeightsOnly(model, 5e-4), lr: 0.05, momentum: 0.9), steps: 40);

        string summary = ModelSummary.Of(model, 1, 8, 8);
        Assert.Contains("\n  stem (Sequential)", summary);
        Assert.Contains("\n    1 (BatchNorm2d)", summary);
        Assert.Contains("\n    0 (ConvBlock)", summary);
        Assert.Contains("[N,4,8,8]", Row(summary, "      conv2 (Conv2d)"));
        Assert.Contains(" — ", Row(summary, "  head (ModuleDict)"));
        Assert.Contains("[N,3]", Row(summary, "    fc (Linear)"));
    }
}
