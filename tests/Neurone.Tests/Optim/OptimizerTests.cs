using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

public class OptimizerTests
{
    public static TheoryData<string> Kinds => new() { "SGD", "SGD-momentum", "Adam", "Adam-amsgrad", "AdamW", "RMSprop", "RMSprop-centered", "Adagrad" };

    static Optimizer Make(string kind, IEnumerable<Tensor> ps) => kind switch
    {
        "SGD" => new SGD(ps, lr: 0.1),
        "SGD-momentum" => new SGD(ps, lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        "Adam" => new Adam(ps, lr: 0.01, weightDecay: 0.01),
        "Adam-amsgrad" => new Adam(ps, lr: 0.01, amsgrad: true),
        "AdamW" => new AdamW(ps, lr: 0.01),
        "RMSprop" => new RMSprop(ps, momentum: 0.5),
        "RMSprop-centered" => new RMSprop(ps, centered: true, momentum: 0.9, weightDecay: 0.1),
        "Adagrad" => new Adagrad(ps, lrDecay: 0.1, initialAccumulatorValue: 0.1),
        _ => throw new ArgumentException(kind),
    };

    [Theory, MemberData(nameof(Kinds))]
    public void StateDictRoundTripContinuesBitForBit(string kind)
    {
        var a = MakeParameters();
        var optA = Make(kind, a);
        for (int s = 0; s < 2; s++) { SetGradients(a, s); optA.Step(); }
        var snapshot = optA.StateDict();

        var b = a.Select(p => { var c = p.Detach().Clone(); c.RequiresGrad = true; return c; }).ToArray();
        var optB = Make(kind, b);
        optB.LearningRate = 123; // must come back from the snapshot
        optB.LoadStateDict(snapshot);
        Assert.Equal(optA.LearningRate, optB.LearningRate);

        for (int s = 2; s < 5; s++)
        {
            SetGradients(a, s);
            SetGradients(b, s);
            optA.Step();
            optB.Step();
        }
        for (int k = 0; k < a.Length; k++) Assert.Equal(a[k].ToArray(), b[k].ToArray());
        Assert.Equal(2, snapshot.Steps["0.step"]);
        Assert.Equal(5, optB.StateDict().Steps["1.step"]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void StateDictIsASnapshotNotAView(string kind)
    {
        var ps = MakeParameters();
        var opt = Make(kind, ps);
        SetGradients(ps, 0);
        opt.Step();
        var snapshot = opt.StateDict();
        var copies = snapshot.Buffers.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Clone());
        SetGradients(ps, 1);
        opt.Step();
        foreach (var (key, value) in snapshot.Buffers) Assert.Equal(copies[key], value);
        Assert.Equal(1, snapshot.Steps["0.step"]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void StepAllocatesNothingOnceStateExists(string kind)
    {
        var ps = MakeParameters();
        var opt = Make(kind, ps);
        SetGradients(ps, 0);
        for (int s = 0; s < 3; s++) opt.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 20; s++) opt.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void ParametersWithoutGradientAreSkipped(string kind)
    {
        var ps = MakeParameters();
        var idle = Tensor.FromArray([1f, 2f, 3f]);
        idle.RequiresGrad = true;
        var opt = Make(kind, [ps[0], idle, ps[1]]);
        SetGradients(ps, 0);
        opt.Step();
        opt.Step();
        Assert.Equal([1f, 2f, 3f], idle.ToArray());
        var state = opt.StateDict();
        Assert.DoesNotContain(state.Steps.Keys, k => k.StartsWith("1."));
        Assert.DoesNotContain(state.Buffers.Keys, k => k.StartsWith("1."));
        Assert.Equal(2, state.Steps["2.step"]);

        // When it gets a gradient later it starts from step 1, as in PyTorch.
        idle.Grad = Tensor.FromArray([0.1f, 0.1f, 0.1f]);
        opt.Step();
        Assert.Equal(1, opt.StateDict().Steps["1.step"]);
    }

    [Fact]
    public void ZeroGradZeroesExistingGradientsAndLeavesNullOnes()
    {
        var ps = MakeParameters();
        var opt = new SGD(ps, lr: 0.1);
        ps[0].Grad = Tensor.FromArray([1f, 2f, 3f, 4f, 5f]);
        var buffer = ps[0].Grad;
        opt.ZeroGrad();
        Assert.Same(buffer, ps[0].Grad);
        Assert.All(ps[0].Grad!.ToArray(), x => Assert.Equal(0f, x));
        Assert.Null(ps[1].Grad);
    }

    [Fact]
    public void WorksOnModuleParameters()
    {
        var model = new TwoWeights();
        var opt = new Adam(model.Parameters());
        Assert.Equal(2, opt.Parameters.Count);
    }

    sealed class TwoWeights : Module
    {
        public TwoWeights()
        {
            RegisterParameter("w", new Tensor(3, 2));
            RegisterParameter("b", new Tensor(2));
        }
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void RejectsBadParameterLists()
    {
        var ok = Tensor.FromArray([1f]);
        ok.RequiresGrad = true;
        var frozen = Tensor.FromArray([1f, 2f]);
        var derived = ok * ok;

        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new SGD(Array.Empty<Tensor>(), lr: 0.1)).Message);
        Assert.Contains("parameter 1", Assert.Throws<ArgumentException>(() => new Adam([ok, frozen])).Message);
        Assert.Contains("RequiresGrad = false", Assert.Throws<ArgumentException>(() => new Adam([ok, frozen])).Message);
        Assert.Contains("leaf", Assert.Throws<ArgumentException>(() => new Adam([derived])).Message);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => new Adam([ok, ok])).Message);
        Assert.Throws<ArgumentNullException>(() => new Adam((IEnumerable<Tensor>)null!));
    }

    [Fact]
    public void LearningRateSetterValidates()
    {
        var opt = new SGD(MakeParameters(), lr: 0.1);
        opt.LearningRate = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = -1e-3);
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = double.PositiveInfinity);
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.LearningRate = double.NaN);
    }

    [Fact]
    public void GradientOfTheWrongSizeIsReported()
    {
        var ps = MakeParameters();
        var opt = new Adam(ps);
        ps[0].Grad = Tensor.FromArray([1f, 2f]);
        var e = Assert.Throws<InvalidOperationException>(opt.Step);
        Assert.Contains("[5]", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void LoadStateDictRejectsStateThatDoesNotFit()
    {
        var ps = MakeParameters();
        SetGradients(ps, 0);
        var adam = new Adam(ps);
        adam.Step();
        var good = adam.StateDict();

        Assert.Contains("Adam", Assert.Throws<ArgumentException>(() => new SGD(ps, momentum: 0.9).LoadStateDict(good)).Message);
        Assert.Contains("max_exp_avg_sq", Assert.Throws<ArgumentException>(() =>
        {
            var ams = new Adam(ps, amsgrad: true);
            ams.Step();
            adam.LoadStateDict(ams.StateDict());
        }).Message);
        var missing = new Adam(ps, amsgrad: true);
        Assert.Contains("max_exp_avg_sq", Assert.Throws<ArgumentException>(() => missing.LoadStateDict(good)).Message);

        var buffers = good.Buffers.ToDictionary(kv => kv.Key, kv => kv.Value);
        buffers["0.exp_avg"] = new float[4];
        Assert.Contains("expected 5", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(good with { Buffers = buffers })).Message);

        buffers = good.Buffers.ToDictionary(kv => kv.Key, kv => kv.Value);
        buffers["7.exp_avg"] = new float[5];
        Assert.Contains("'7.exp_avg'", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(good with { Buffers = buffers })).Message);

        var steps = good.Steps.ToDictionary(kv => kv.Key, kv => kv.Value);
        steps.Remove("1.step");
        Assert.Contains("1.step", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(good with { Steps = steps })).Message);

        steps = good.Steps.ToDictionary(kv => kv.Key, kv => kv.Value);
        steps["0.step"] = 0;
        Assert.Contains("≥ 1", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(good with { Steps = steps })).Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LoadStateDict(good with { LearningRate = -1 }));

        // A failed load leaves the optimizer as it was.
        var after = adam.StateDict();
        Assert.Equal(good.Buffers["0.exp_avg"], after.Buffers["0.exp_avg"]);
        Assert.Equal(good.Steps["0.step"], after.Steps["0.step"]);
    }

    [Fact]
    public void EmptyStateStartsFresh()
    {
        var ps = MakeParameters();
        SetGradients(ps, 0);
        var fresh = new Adam(ps).StateDict();
        var opt = new Adam(ps);
        opt.Step();
        opt.LoadStateDict(fresh);
        Assert.Empty(opt.StateDict().Steps);
    }

    // The levels the optimizer tests run, against the runtime's own report of what this CPU accelerates
    // rather than against Simd (which Levels() itself consults): a detection that under-reported would
    // leave vector paths untested with every other test still passing. That the levels give the same
    // bits is checked by AssertMatchesReference and OptimizerReferenceTests.
    [Fact]
    public void LevelsCoverEveryPathThisMachineAccelerates()
    {
        var expected = new List<SimdLevel> { SimdLevel.Scalar };
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) expected.Add(SimdLevel.Vector256);
        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) expected.Add(SimdLevel.Vector512);
        Assert.Equal(expected, Levels());
    }
}
