using Neurone.Nn;
using Neurone.Optim;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Tests.Serialization;
using Neurone.Training;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    const int Samples = 40, Features = 6, Classes = 3, Batch = 16;

    /// <summary>Three Gaussian blobs, one per class.</summary>
    static (Tensor X, Tensor Y) Data()
    {
        var rng = new Rng(77);
        var x = Tensor.Randn([Samples, Features], rng);
        var y = new long[Samples];
        var xs = x.AsSpan();
        for (int i = 0; i < Samples; i++)
        {
            y[i] = i % Classes;
            xs[i * Features + i % Classes] += 2f;
        }
        return (x, Tensor.FromLongs(y));
    }

    /// <summary>
    /// One training run: an MLP with dropout, Adam, StepLR and a generator that shuffles the
    /// mini-batches and draws input noise. Everything random depends on <paramref name="seed"/>.
    /// </summary>
    sealed class Run
    {
        public readonly Sequential Model;
        public readonly Adam Optimizer;
        public readonly StepLR Scheduler;
        public readonly Rng Rng;
        readonly CrossEntropyLoss loss = new();

        public Run(ulong seed)
        {
            var init = new Rng(seed);
            Model = new Sequential(new Linear(Features, 16, rng: init), new ReLU(), new Dropout(0.3f, init), new Linear(16, Classes, rng: init));
            Optimizer = new Adam(Model.Parameters(), lr: 0.01);
            Scheduler = new StepLR(Optimizer, stepSize: 1, gamma: 0.7);
            Rng = new Rng(seed + 1000);
            // One normal drawn at the start leaves a Box–Muller spare at every even epoch, so the
            // checkpoint must carry it.
            _ = Rng.NextGaussian();
        }

        public void Epoch(Tensor x, Tensor y)
        {
            Model.Train();
            float noise = 0.05f * (float)Math.Abs(Rng.NextGaussian());
            var order = Rng.Permutation(Samples);
            for (int start = 0; start < Samples; start += Batch)
            {
                var rows = order.AsSpan(start, Math.Min(Batch, Samples - start));
                var xb = x.GatherRows(rows) + Tensor.Randn([rows.Length, Features], Rng, 0f, noise);
                var l = loss.Forward(Model.Forward(xb), y.GatherRows(rows));
                Optimizer.ZeroGrad();
                l.Backward();
                Optimizer.Step();
            }
            Scheduler.Step();
        }
    }

    static uint[] Bits(Module m) => m.StateDict().SelectMany(kv => kv.Value.ToArray()).Select(BitConverter.SingleToUInt32Bits).ToArray();

    static Run TrainedFor(int epochs, ulong seed)
    {
        var (x, y) = Data();
        var run = new Run(seed);
        for (int e = 0; e < epochs; e++) run.Epoch(x, y);
        return run;
    }

    string SaveAfterTwoEpochs(out Run run, IReadOnlyDictionary<string, string>? extra = null)
    {
        run = TrainedFor(2, 1);
        string path = temp.File("ckpt.safetensors");
        Checkpoint.Save(path, run.Model, run.Optimizer, 2, run.Rng, run.Scheduler, extra: extra);
        return path;
    }

    [Fact]
    public void ResumingFromACheckpointIsBitIdenticalToNeverStopping()
    {
        var (x, y) = Data();
        var straight = TrainedFor(4, 1);

        string path = SaveAfterTwoEpochs(out _);
        var resumed = new Run(999);
        Assert.NotEqual(Bits(straight.Model), Bits(resumed.Model));
        var checkpoint = Checkpoint.Load(path);
        Assert.True(checkpoint.RngState.HasSpareNormal);
        int epoch = checkpoint.Restore(resumed.Model, resumed.Optimizer, resumed.Rng, resumed.Scheduler);
        Assert.Equal(2, epoch);
        for (int e = epoch; e < 4; e++) resumed.Epoch(x, y);

        Assert.Equal(Bits(straight.Model), Bits(resumed.Model));
        Assert.Equal(straight.Optimizer.LearningRate, resumed.Optimizer.LearningRate);
        Assert.Equal(straight.Rng.State, resumed.Rng.State);
        var a = straight.Optimizer.StateDict();
        var b = resumed.Optimizer.StateDict();
        Assert.Equal(a.Steps, b.Steps);
        foreach (var (key, values) in a.Buffers) Assert.Equal(values, b.Buffers[key]);
    }

    [Fact]
    public void ACheckpointIsAlsoAModelFileWithPyTorchStyleOptimizerTensors()
    {
        string path = SaveAfterTwoEpochs(out var run);
        var file = SafeTensors.Load(path);
        Assert.Equal([16, Features], file["optimizer.0.exp_avg"].ShapeArray());
        Assert.Equal([Classes], file["optimizer.3.exp_avg_sq"].ShapeArray());
        Assert.Equal("checkpoint", file.Metadata["neurone.kind"]);

        var model = Model.Load(path);
        Assert.Equal(Bits(run.Model), Bits(model));
        var fresh = new Run(5);
        Model.LoadWeights(fresh.Model, path);
        Assert.Equal(Bits(run.Model), Bits(fresh.Model));
    }

    [Fact]
    public void TheEpochExtrasAndGeneratorStateComeBackExactly()
    {
        var extra = new Dictionary<string, string> { ["best_val_loss"] = "0.3125", ["history"] = "{\"loss\":[1.5,0.9]}" };
        string path = SaveAfterTwoEpochs(out var run, extra);
        var checkpoint = Checkpoint.Load(path);
        Assert.Equal(2, checkpoint.Epoch);
        Assert.Equal(extra, checkpoint.Extra);
        Assert.Equal(run.Rng.State, checkpoint.RngState);
        Assert.Equal(((Dropout)run.Model[2]).Generator.State, checkpoint.ModuleRngStates["2"]);
        Assert.Equal("StepLR", checkpoint.SchedulerKind);
    }

    [Fact]
    public void PlateauStateRoundTripsIncludingInfinities()
    {
        var model = new Sequential(new Linear(2, 1, rng: new Rng(1)));
        var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var plateau = new ReduceLROnPlateau(optimizer, patience: 0);
        string path = temp.File("plateau.safetensors");
        Checkpoint.Save(path, model, optimizer, 0, new Rng(3), plateau: plateau);
        Assert.Equal(double.PositiveInfinity, Checkpoint.Load(path).PlateauState!["best"]);

        plateau.Step(1.0);
        plateau.Step(2.0);
        Checkpoint.Save(path, model, optimizer, 2, new Rng(3), plateau: plateau);
        var otherOptimizer = new SGD(model.Parameters(), lr: 0.5, momentum: 0.9);
        var other = new ReduceLROnPlateau(otherOptimizer, patience: 0);
        Checkpoint.Load(path).Restore(model, otherOptimizer, new Rng(4), plateau: other);
        Assert.Equal(plateau.StateDict(), other.StateDict());
        Assert.Equal(optimizer.LearningRate, otherOptimizer.LearningRate);
    }

    static (uint[] Weights, RngState Rng, OptimizerState Opt) Snapshot(Run run) => (Bits(run.Model), run.Rng.State, run.Optimizer.StateDict());

    static void AssertUnchanged((uint[] Weights, RngState Rng, OptimizerState Opt) before, Run run)
    {
        Assert.Equal(before.Weights, Bits(run.Model));
        Assert.Equal(before.Rng, run.Rng.State);
        Assert.Equal(before.Opt.Steps, run.Optimizer.StateDict().Steps);
        Assert.Equal(before.Opt.LearningRate, run.Optimizer.LearningRate);
    }

    [Fact]
    public void RestoringIntoObjectsThatDoNotFitNamesTheProblemAndChangesNothing()
    {
        string path = SaveAfterTwoEpochs(out _);
        var checkpoint = Checkpoint.Load(path);

        var target = TrainedFor(1, 8);
        var before = Snapshot(target);
        var sgd = new SGD(target.Model.Parameters(), lr: 0.1);
        Assert.Contains("state of a Adam, got a SGD", Assert.Throws<ArgumentException>(() => checkpoint.Restore(target.Model, sgd, target.Rng, new StepLR(sgd, 1))).Message);
        Assert.Contains("pass the run's scheduler", Assert.Throws<ArgumentException>(() => checkpoint.Restore(target.Model, target.Optimizer, target.Rng)).Message);
        var wider = new Sequential(new Linear(Features, 17), new ReLU(), new Dropout(0.3f), new Linear(17, Classes));
        var wideOptimizer = new Adam(wider.Parameters());
        var e = Assert.Throws<ArgumentException>(() => checkpoint.Restore(wider, wideOptimizer, target.Rng, new StepLR(wideOptimizer, 1)));
        Assert.Contains("'0.weight' has shape [16,6] in the checkpoint but [17,6] in the model", e.Message);
        var noDropout = new Sequential(new Linear(Features, 16), new ReLU(), new Identity(), new Linear(16, Classes));
        var plainOptimizer = new Adam(noDropout.Parameters());
        Assert.Contains("random modules", Assert.Throws<ArgumentException>(() => checkpoint.Restore(noDropout, plainOptimizer, target.Rng, new StepLR(plainOptimizer, 1))).Message);
        AssertUnchanged(before, target);
    }

    [Fact]
    public void ALoaderThatRefusesHalfwayRollsEverythingBack()
    {
        // A hand-edited scheduler state passes the file checks but StepLR refuses it after the model and
        // optimizer were already restored: they must be put back.
        SaveAfterTwoEpochs(out var run);
        string path = temp.File("edited.safetensors");
        var file = SafeTensors.Load(temp.File("ckpt.safetensors"));
        var metadata = file.Metadata.ToDictionary();
        metadata["neurone.scheduler.state"] = "{\"last_epoch\":\"-1\",\"base_lr\":\"0.01\"}";
        SafeTensors.Save(path, file.Tensors, metadata);

        var target = TrainedFor(1, 8);
        var before = Snapshot(target);
        Assert.ThrowsAny<ArgumentException>(() => Checkpoint.Load(path).Restore(target.Model, target.Optimizer, target.Rng, target.Scheduler));
        AssertUnchanged(before, target);
        Assert.Equal(1, target.Scheduler.LastEpoch);
    }

    [Theory]
    [InlineData("neurone.rng", "{\"s0\":\"0\",\"s1\":\"0\",\"s2\":\"0\",\"s3\":\"0\",\"has_spare_normal\":false,\"spare_normal\":\"0\"}", "neurone.rng")]
    [InlineData("neurone.rng", "not json", "neurone.rng")]
    [InlineData("neurone.epoch", "-3", "whole number")]
    [InlineData("neurone.optimizer.lr", "fast", "expected a number")]
    [InlineData("neurone.optimizer.steps", "{\"0.step\":12}", "step count '0.step'")]
    [InlineData("neurone.module_rngs", "{\"2\":{}}", "module '2'")]
    [InlineData("neurone.kind", "model", "Model.Load")]
    public void MalformedCheckpointMetadataIsAnInvalidDataException(string key, string value, string expected)
    {
        string source = SaveAfterTwoEpochs(out _);
        var file = SafeTensors.Load(source);
        var metadata = file.Metadata.ToDictionary();
        metadata[key] = value;
        string path = temp.File("bad.safetensors");
        SafeTensors.Save(path, file.Tensors, metadata);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ATruncatedCheckpointOrAModelFileIsRefusedCleanly()
    {
        string path = SaveAfterTwoEpochs(out var run);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);

        string modelPath = temp.File("model.safetensors");
        Model.Save(run.Model, modelPath);
        Assert.Contains("a model file is read with Model.Load", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(modelPath)).Message);
    }
}
