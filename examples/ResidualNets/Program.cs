using System.Globalization;
using Neurone.Examples.ResidualNets;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Training;

// Residual networks written as user modules: a residual MLP on spirals and a small ResNet on bar
// images. Each trains with weight decay on its weights only (two parameter groups), prints its summary
// tree, is saved with its architecture and loaded back without its constructor being called by hand.
//
//   dotnet run --project examples/ResidualNets -c Release                   the demo
//   dotnet run --project examples/ResidualNets -c Release -- predict MODEL IN OUT
//       loads MODEL (a file the demo or the tests saved) in this fresh process, runs the tensor "x" of
//       the safetensors file IN through it in eval mode and writes the logits as "y" to OUT.

ResidualDemo.Register();
if (args.Length > 0)
{
    if (args is not ["predict", var modelPath, var inputPath, var outputPath])
    {
        Console.Error.WriteLine("usage: ResidualNets [predict MODEL INPUT OUTPUT]");
        return 2;
    }
    var model = Model.Load(modelPath);
    var x = SafeTensors.Load(inputPath).Tensors.Single(t => t.Key == "x").Value;
    SafeTensors.Save(outputPath, [new("y", ResidualDemo.Predict(model, x))]);
    Console.WriteLine($"predicted {x.Size(0)} samples with a {model.GetType().Name}");
    return 0;
}

string folder = Path.Combine(Path.GetTempPath(), "neurone-residual-nets");
Directory.CreateDirectory(folder);

Run("residual MLP on three spirals", new ResidualMlp(2, 32, 2, 3, new Rng(1)), ResidualDemo.Spirals(100, 2), [2],
    model => new AdamW(ParamGroup.DecayWeightsOnly(model, weightDecay: 0.05), lr: 0.01), steps: 300);
Run("residual CNN on bar images", new ResidualCnn(1, 8, 2, 3, new Rng(3)), ResidualDemo.Bars(96, 4), [1, 8, 8],
    model => new SGD(ParamGroup.DecayWeightsOnly(model, weightDecay: 5e-4), lr: 0.05, momentum: 0.9), steps: 60);
return 0;

void Run(string title, Module model, (Tensor X, Tensor Y) data, int[] sampleShape, Func<Module, Optimizer> makeOptimizer, int steps)
{
    Console.WriteLine($"== {title}");
    Console.WriteLine(ModelSummary.Of(model, sampleShape));
    var optimizer = makeOptimizer(model);
    for (int g = 0; g < optimizer.ParamGroups.Count; g++)
    {
        var group = optimizer.ParamGroups[g];
        Console.WriteLine($"group {g}: {group.Parameters.Count} tensors, {group.Parameters.Sum(p => (long)p.Count):N0} values, weight decay {group.WeightDecay.ToString(CultureInfo.InvariantCulture)}");
    }
    var scheduler = new CosineAnnealingLR(optimizer, tMax: steps);
    var (first, last) = ResidualDemo.Train(model, optimizer, data.X, data.Y, steps, scheduler);
    var predicted = ResidualDemo.Predict(model, data.X).ArgMax(1).ToArray();
    var labels = data.Y.ToArray();
    double accuracy = predicted.Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;
    Console.WriteLine($"loss {first:F4} → {last:F4}, training accuracy {accuracy:P1}");

    string path = Path.Combine(folder, model.GetType().Name + ".safetensors");
    Model.Save(model, path);
    var loaded = Model.Load(path);
    bool same = ResidualDemo.Predict(model, data.X).ToArray().SequenceEqual(ResidualDemo.Predict(loaded, data.X).ToArray());
    Console.WriteLine($"saved to {path}; loaded back as a {loaded.GetType().Name}, predictions {(same ? "identical" : "DIFFERENT")}\n");
}
