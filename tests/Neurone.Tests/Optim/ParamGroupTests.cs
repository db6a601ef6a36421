using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class ParamGroupTests
{
    public static TheoryData<string> Kinds => new() { "SGD", "Adam", "AdamW", "RMSprop", "Adagrad" };

    // Each kind's two groups differ in the learning rate and in the options that change the state kept.
    static Optimizer Single(string kind, Tensor p, int group) => (kind, group) switch
    {
        ("SGD", 0) => new SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        ("SGD", _) => new SGD([p], lr: 0.02, momentum: 0.5, nesterov: true),
        ("Adam", 0) => new Adam([p], lr: 0.01, weightDecay: 0.01),
        ("Adam", _) => new Adam([p], lr: 0.003, beta1: 0.8, amsgrad: true),
        ("AdamW", 0) => new AdamW([p], lr: 0.01, weightDecay: 0.1),
        ("AdamW", _) => new AdamW([p], lr: 0.01, weightDecay: 0),
        ("RMSprop", 0) => new RMSprop([p], lr: 0.01, momentum: 0.5),
        ("RMSprop", _) => new RMSprop([p], lr: 0.002, alpha: 0.9, centered: true, weightDecay: 0.1),
        ("Adagrad", 0) => new Adagrad([p], lrDecay: 0.1, initialAccumulatorValue: 0.1),
        ("Adagrad", _) => new Adagrad([p], lr: 0.05, eps: 1e-6),
        _ => throw new ArgumentException(kind),
    };

    static Optimizer Grouped(string kind, Tensor a, Tensor b) => kind switch
    {
        "SGD" => new SGD([new ParamGroup([a], momentum: 0.9, dampening: 0.1, weightDecay: 0.01), new ParamGroup([b], lr: 0.02, momentum: 0.5, nesterov: true)], lr: 0.1),
        "Adam" => new Adam([new ParamGroup([a], weightDecay: 0.01), new ParamGroup([b], lr: 0.003, beta1: 0.8, amsgrad: true)], lr: 0.01),
        "AdamW" => new AdamW([new ParamGroup([a], weightDecay: 0.1), new ParamGroup([b], weightDecay: 0)], lr: 0.01),
        "RMSprop" => new RMSprop([new ParamGroup([a], momentum: 0.5), new ParamGroup([b], lr: 0.002, alpha: 0.9, centered: true, weightDecay: 0.1)], lr: 0.01),
        "Adagrad" => new Adagrad([new ParamGroup([a], lrDecay: 0.1, initialAccumulatorValue: 0.1), new ParamGroup([b], lr: 0.05, eps: 1e-6)]),
        _ => throw new ArgumentException(kind),
    };

    static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    [Theory, MemberData(nameof(Kinds))]
    public void TwoGroupsStepExactlyAsTwoOptimizersOfOneGroupEach(string kind)
    {
        foreach (var level in Levels())
        {
            var grouped = MakeParameters();
            var apart = MakeParameters();
            var together = Grouped(kind, grouped[0], grouped[1]);
            var first = Single(kind, apart[0], 0);
            var second = Single(kind, apart[1], 1);
            together.Level = first.Level = second.Level = level;
            for (int step = 0; step < 5; step++)
            {
                SetGradients(grouped, step);
                SetGradients(apart, step);
                together.Step();
                first.Step();
                second.Step();
            }
            Assert.Equal(Bits(apart[0]), Bits(grouped[0]));
            Assert.Equal(Bits(apart[1]), Bits(grouped[1]));
            // The state is the two optimizers' states side by side, the second's indices shifted by one.
            var state = together.StateDict();
            foreach (var (key, value) in second.StateDict().Buffers)
                Assert.Equal(value, state.Buffers["1" + key[key.IndexOf('.')..]]);
            Assert.Equal([first.LearningRate, second.LearningRate], state.GroupLearningRates);
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public void AStateDictWithGroupsResumesBitForBit(string kind)
    {
        var a = MakeParameters();
        var optA = Grouped(kind, a[0], a[1]);
        for (int step = 0; step < 3; step++) { SetGradients(a, step); optA.Step(); }
        optA.ParamGroups[1].LearningRate = 0.004;
        var snapshot = optA.StateDict();

        var b = a.Select(p => { var c = p.Detach().Clone(); c.RequiresGrad = true; return c; }).ToArray();
        var optB = Grouped(kind, b[0], b[1]);
        optB.LoadStateDict(snapshot);
        Assert.Equal(0.004, optB.ParamGroups[1].LearningRate);
        for (int step = 3; step < 6; step++)
        {
            SetGradients(a, step); optA.Step();
            SetGradients(b, step); optB.Step();
        }
        Assert.Equal(Bits(a[0]), Bits(b[0]));
        Assert.Equal(Bits(a[1]), Bits(b[1]));

        // A snapshot of one group does not fit two, and says so.
        var c = MakeParameters();
        var one = Single(kind, c[0], 0);
        var e = Assert.Throws<ArgumentException>(() => optB.LoadStateDict(one.StateDict()));
        Assert.Contains("sizes [1]", e.Message);
        Assert.Contains("[1, 1]", e.Message);
    }

    [Fact]
    public void BadGroupsAreRefusedNamingTheGroup()
    {
        var ps = MakeParameters();
        var e = Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([ps[0]]), new ParamGroup([ps[1]], beta1: 0.5)]));
        Assert.Contains("group 1 sets beta1, which SGD does not take", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Adam([new ParamGroup([ps[0], ps[1]]), new ParamGroup([ps[1]])]));
        Assert.Contains("also in group 0", e.Message);
        var momentum = Assert.Throws<ArgumentOutOfRangeException>(() => new SGD([new ParamGroup([ps[0]]), new ParamGroup([ps[1]], momentum: -1)]));
        Assert.Contains("parameter group 1", momentum.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD([new ParamGroup([ps[0]], lr: -1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD([new ParamGroup([ps[0]], lr: double.NaN)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([new ParamGroup([ps[0]], eps: double.NaN)]));
        var shared = new ParamGroup([ps[0]]);
        _ = new SGD([shared]);
        Assert.Contains("already belongs to a SGD", Assert.Throws<ArgumentException>(() => new Adam([shared])).Message);
        Assert.Contains("SGD does not take it", Assert.Throws<InvalidOperationException>(() => shared.Beta1).Message);
        // An empty group is allowed next to others, as in PyTorch; no parameters at all is not.
        Assert.Equal(2, new SGD([new ParamGroup([ps[1]]), new ParamGroup([])]).ParamGroups.Count);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new SGD([new ParamGroup([])])).Message);
    }

    [Fact]
    public void GroupsTakeTheOptimizersValuesForWhatTheyDoNotSet()
    {
        var ps = MakeParameters();
        var sgd = new SGD([new ParamGroup([ps[0]], lr: 0.5), new ParamGroup([ps[1]], weightDecay: 0.1)], lr: 0.01, momentum: 0.9);
        Assert.Equal(0.5, sgd.ParamGroups[0].LearningRate);
        Assert.Equal(0.01, sgd.ParamGroups[1].LearningRate);
        Assert.Equal(0.9, sgd.ParamGroups[1].Momentum);
        Assert.Equal(0.1, sgd.ParamGroups[1].WeightDecay);
        Assert.Equal(0, sgd.ParamGroups[0].WeightDecay);
        Assert.Equal(0.5, sgd.LearningRate); // the first group's
        sgd.LearningRate = 0.2;             // sets every group
        Assert.All(sgd.ParamGroups, g => Assert.Equal(0.2, g.LearningRate));
        Assert.Equal(ps, sgd.Parameters);
        Assert.Equal(0.9, sgd.ParamGroups[0].Options["momentum"]);
    }

    static (Optimizer Grouped, Optimizer Low, Optimizer High) ThreeOptimizers()
    {
        var ps = MakeParameters();
        var grouped = new SGD([new ParamGroup([ps[0]], lr: 0.1), new ParamGroup([ps[1]], lr: 0.003)]);
        var qs = MakeParameters();
        return (grouped, new SGD([qs[0]], lr: 0.1), new SGD([qs[1]], lr: 0.003));
    }

    public static TheoryData<string> Schedulers => new() { "StepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingLR-warmup" };

    static LRScheduler Schedule(string kind, Optimizer optimizer) => kind switch
    {
        "StepLR" => new StepLR(optimizer, stepSize: 2, gamma: 0.5),
        "ExponentialLR" => new ExponentialLR(optimizer, gamma: 0.8),
        "CosineAnnealingLR" => new CosineAnnealingLR(optimizer, tMax: 5, etaMin: 0.001),
        "CosineAnnealingLR-warmup" => new CosineAnnealingLR(optimizer, tMax: 5, etaMin: 0.001, warmupEpochs: 2),
        _ => throw new ArgumentException(kind),
    };

    [Theory, MemberData(nameof(Schedulers))]
    public void ASchedulerScalesEveryGroupFromItsOwnBaseRate(string kind)
    {
        var (grouped, low, high) = ThreeOptimizers();
        var s = Schedule(kind, grouped);
        var s0 = Schedule(kind, low);
        var s1 = Schedule(kind, high);
        Assert.Equal([0.1, 0.003], s.BaseLRs);
        for (int epoch = 0; epoch < 8; epoch++)
        {
            Assert.Equal(low.LearningRate, grouped.ParamGroups[0].LearningRate);
            Assert.Equal(high.LearningRate, grouped.ParamGroups[1].LearningRate);
            Assert.Equal([low.LearningRate, high.LearningRate], s.LastLRs);
            s.Step(); s0.Step(); s1.Step();
        }
        Assert.NotEqual(0.1, grouped.ParamGroups[0].LearningRate);

        // The state holds both base rates and restores both.
        var state = s.StateDict();
        Assert.Equal(0.003, state["base_lr.1"]);
        var (again, _, _) = ThreeOptimizers();
        var restored = Schedule(kind, again);
        restored.LoadStateDict(state);
        Assert.Equal(grouped.ParamGroups.Select(g => g.LearningRate), again.ParamGroups.Select(g => g.LearningRate));
        var (oneGroup, _, _) = (new SGD(MakeParameters(), lr: 0.1), 0, 0);
        Assert.Contains("base_lr.1", Assert.Throws<ArgumentException>(() => Schedule(kind, oneGroup).LoadStateDict(state)).Message);
    }

    [Fact]
    public void ReduceLROnPlateauLowersEveryGroupFromItsOwnRate()
    {
        var (grouped, low, high) = ThreeOptimizers();
        var s = new ReduceLROnPlateau(grouped, factor: 0.5, patience: 1, minLr: 0.002);
        var s0 = new ReduceLROnPlateau(low, factor: 0.5, patience: 1, minLr: 0.002);
        var s1 = new ReduceLROnPlateau(high, factor: 0.5, patience: 1, minLr: 0.002);
        foreach (double metric in new[] { 1.0, 0.9, 0.9, 0.95, 0.91, 0.92, 0.93, 0.99 })
        {
            s.Step(metric); s0.Step(metric); s1.Step(metric);
            Assert.Equal(low.LearningRate, grouped.ParamGroups[0].LearningRate);
            Assert.Equal(high.LearningRate, grouped.ParamGroups[1].LearningRate);
        }
        Assert.Equal(0.0125, grouped.ParamGroups[0].LearningRate, 15);
        Assert.Equal(0.002, grouped.ParamGroups[1].LearningRate); // the floor
        var state = s.StateDict();
        Assert.Equal(0.002, state["last_lr.1"]);
        var (again, _, _) = ThreeOptimizers();
        var restored = new ReduceLROnPlateau(again, factor: 0.5, patience: 1, minLr: 0.002);
        restored.LoadStateDict(state);
        Assert.Equal(s.LastLRs, restored.LastLRs);
    }

    [Fact]
    public void FitsFunctionScheduleActsOnEachGroupsOwnRate()
    {
        var rng = new Rng(1);
        var model = new Sequential(new Linear(2, 2, rng: rng));
        var optimizer = new SGD([new ParamGroup([((Linear)model[0]).Weight], lr: 0.1), new ParamGroup([((Linear)model[0]).Bias!], lr: 0.02)]);
        var x = Tensor.Randn([8, 2], rng);
        var y = Tensor.FromArray([0f, 1f, 0f, 1f, 0f, 1f, 0f, 1f]);
        new Trainer(model, optimizer, new CrossEntropyLoss()).Fit(x, y, epochs: 3, verbose: 0,
            callbacks: [new LearningRateSchedule((epoch, lr) => lr * 0.5)]);
        Assert.Equal(0.1 * 0.125, optimizer.ParamGroups[0].LearningRate, 15);
        Assert.Equal(0.02 * 0.125, optimizer.ParamGroups[1].LearningRate, 15);
    }

    [Fact]
    public void ClipGradNormOfAnOptimizerTakesEveryGroupAsOneVector()
    {
        var ps = MakeParameters();
        var qs = MakeParameters();
        SetGradients(ps, 1);
        SetGradients(qs, 1);
        var optimizer = new SGD([new ParamGroup([ps[0]], lr: 1), new ParamGroup([ps[1]], lr: 0.1)]);
        double total = ClipGrad.ClipGradNorm(optimizer, maxNorm: 0.5);
        Assert.Equal(ClipGrad.ClipGradNorm(qs, maxNorm: 0.5), total);
        Assert.Equal(Bits(qs[0].Grad!), Bits(ps[0].Grad!));
        Assert.Equal(Bits(qs[1].Grad!), Bits(ps[1].Grad!));
        ClipGrad.ClipGradValue(optimizer, 0.01);
        Assert.All(ps.SelectMany(p => p.Grad!.ToArray()), g => Assert.InRange(g, -0.01f, 0.01f));
    }

    static Sequential NetWithNorms(ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(new Conv2d(1, 2, 3, padding: 1, rng: rng), new BatchNorm2d(2), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 3, rng: rng), new BatchNorm1d(3));
    }

    [Fact]
    public void DecayWeightsOnlyLeavesBiasesAndNormParametersUndecayed()
    {
        foreach (bool decoupled in new[] { false, true })
        {
            var model = NetWithNorms(1);
            var groups = ParamGroup.DecayWeightsOnly(model, weightDecay: 0.1);
            Assert.Equal(["0.weight", "4.weight"], Names(model, groups[0]));
            Assert.Equal(["0.bias", "1.weight", "1.bias", "4.bias", "5.weight", "5.bias"], Names(model, groups[1]));
            Optimizer optimizer = decoupled ? new AdamW(groups, lr: 0.5) : new SGD(groups, lr: 0.5);
            var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray());
            // Zero gradients: the only change a step can make is the decay.
            foreach (var p in model.Parameters()) p.Grad = Tensor.Zeros(p.ShapeArray());
            optimizer.Step();
            foreach (var (name, p) in model.NamedParameters())
            {
                if (name.EndsWith("weight", StringComparison.Ordinal) && p.Rank >= 2)
                    // AdamW shrinks by (1 − lr·λ); SGD adds λ·p to the gradient and steps by lr.
                    Assert.Equal(before[name].Select(v => decoupled ? v * 0.95f : v - 0.5f * (0.1f * v)), p.ToArray());
                else
                    Assert.Equal(before[name], p.ToArray());
            }
        }
    }

    static string[] Names(Module model, ParamGroup group) =>
        group.Parameters.Select(p => model.NamedParameters().Single(n => ReferenceEquals(n.Parameter, p)).Name).ToArray();

    [Fact]
    public void ACheckpointKeepsGroupsAndResumesBitForBit()
    {
        using var temp = new TempFolder();
        var x = Tensor.Randn([6, 1, 4, 4], new Rng(5));
        var y = Tensor.FromArray([0f, 1f, 2f, 0f, 1f, 2f]);
        var loss = new CrossEntropyLoss();

        (Sequential Model, Optimizer Optimizer, StepLR Scheduler) Make()
        {
            var model = NetWithNorms(3);
            var optimizer = new AdamW(ParamGroup.DecayWeightsOnly(model, 0.05), lr: 0.01);
            optimizer.ParamGroups[1].LearningRate = 0.002;
            return (model, optimizer, new StepLR(optimizer, stepSize: 1, gamma: 0.7));
        }
        void Epoch((Sequential Model, Optimizer Optimizer, StepLR Scheduler) run)
        {
            run.Optimizer.ZeroGrad();
            loss.Call(run.Model.Call(x), y).Backward();
            run.Optimizer.Step();
            run.Scheduler.Step();
        }

        var straight = Make();
        var resumed = Make();
        for (int e = 0; e < 2; e++) { Epoch(straight); Epoch(resumed); }
        string path = temp.File("groups.safetensors");
        Checkpoint.Save(path, resumed.Model, resumed.Optimizer, 2, new Rng(9), resumed.Scheduler);

        var fresh = Make();
        Checkpoint.Load(path).Restore(fresh.Model, fresh.Optimizer, new Rng(1), fresh.Scheduler);
        Assert.Equal(straight.Optimizer.ParamGroups.Select(g => g.LearningRate), fresh.Optimizer.ParamGroups.Select(g => g.LearningRate));
        Assert.Equal(straight.Scheduler.BaseLRs, fresh.Scheduler.BaseLRs);
        for (int e = 0; e < 2; e++) { Epoch(straight); Epoch(fresh); }
        foreach (var ((name, a), (_, b)) in straight.Model.StateDict().Zip(fresh.Model.StateDict()))
            Assert.True(Bits(a).SequenceEqual(Bits(b)), name);

        // A model with one group cannot take it.
        var oneGroup = NetWithNorms(3);
        var e2 = Assert.Throws<ArgumentException>(() => Checkpoint.Load(path).Restore(oneGroup, new AdamW(oneGroup.Parameters()), new Rng(1), new StepLR(new AdamW(oneGroup.Parameters()), 1)));
        Assert.Contains("groups of sizes", e2.Message);
    }
}
