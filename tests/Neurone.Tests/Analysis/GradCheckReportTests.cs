using Neurone.Analysis;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Analysis;

public class GradCheckReportTests
{
    /// <summary>y = x·scale per feature, whose recorded backward doubles the scale's gradient: a deliberately broken layer.</summary>
    sealed class BrokenScale : Module
    {
        readonly Parameter scale;
        public BrokenScale(int features) => scale = RegisterParameter("scale", Tensor.Rand([features], new Rng(4), 0.5f, 1.5f));

        public override Tensor Forward(Tensor input)
        {
            Tensor y;
            using (GradMode.NoGrad()) y = input * scale;
            var x = input;
            return Graph.Record(y, "broken_scale", [input, scale], g => [g * scale, (g * x).Sum(0) * 2f]);
        }
    }

    static (Tensor X, Tensor Y) Batch()
    {
        var rng = new Rng(1);
        var x = Tensor.Randn([16, 6], rng);
        var y = Tensor.Zeros([16], DType.Int64);
        for (int i = 0; i < 16; i++) y.SetLongAt(i % 3, i);
        return (x, y);
    }

    [Fact]
    public void ABuiltInMlpPassesEveryParameter()
    {
        var rng = new Rng(2);
        var model = new Sequential(new Linear(6, 40, rng: rng), new Tanh(), new Dropout(0.5f), new Linear(40, 3, rng: rng));
        var (x, y) = Batch();
        var report = GradCheckReport.Run(model, x, y, new CrossEntropyLoss(), maxElements: 20);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], report.Parameters.Select(p => p.Name));
        Assert.Equal(20, report.Parameters[0].Checked);
        Assert.Equal(240, report.Parameters[0].Count);
        Assert.Contains("20 of 240", report.ToString());
        Assert.Contains("all 3", report.ToString());
        // The model gets its training mode back and no leftover gradients.
        Assert.True(model.Training);
        Assert.All(model.Parameters(), p => Assert.True(p.Grad is null || p.Grad.ToArray().All(v => v == 0)));
    }

    [Fact]
    public void AnMnistSizedReluMlpPassesOnSampledElements()
    {
        var rng = new Rng(5);
        var model = new Sequential(new Linear(784, 128, rng: rng), new ReLU(), new Linear(128, 10, rng: rng));
        var x = Tensor.Rand([8, 784], rng);
        var y = Tensor.Arange(8, DType.Int64);
        // A step of 1e-3: at 1e-2, perturbing a first-layer weight flips some ReLUs and shows spurious 2–4 % errors.
        var report = GradCheckReport.Run(model, x, y, new CrossEntropyLoss(), maxElements: 16, step: 1e-3f);
        Assert.True(report.Passed, report.ToString());
        Assert.Contains("16 of 100352", report.ToString());
    }

    [Fact]
    public void CatchesADeliberatelyBrokenLayerAndNamesIt()
    {
        var rng = new Rng(3);
        var model = new Sequential(new Linear(6, 6, rng: rng), new BrokenScale(6), new Tanh(), new Linear(6, 3, rng: rng));
        var (x, y) = Batch();
        var report = GradCheckReport.Run(model, x, y, new CrossEntropyLoss());
        Assert.False(report.Passed);
        Assert.True(report.Parameters.Count(p => !p.Passed) == 1, report.ToString());
        var broken = report.Parameters.Single(p => !p.Passed);
        Assert.Equal("1.scale", broken.Name);
        Assert.True(broken.RelativeError > 0.3, report.ToString());
        Assert.Contains("FAIL", report.ToString());
        Assert.Contains("FAILED (1 of 5 parameters)", report.ToString());
    }

    [Fact]
    public void ANonScalarLossIsRejected()
    {
        var model = new Linear(6, 3, rng: new Rng(0));
        var (x, y) = Batch();
        var e = Assert.Throws<ArgumentException>(() => GradCheckReport.Run(model, x, y, new CrossEntropyLoss(Reduction.None)));
        Assert.Contains("scalar", e.Message);
    }
}
