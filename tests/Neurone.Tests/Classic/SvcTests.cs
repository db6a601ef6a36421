using Neurone.Classic;
using Neurone.Tensors;
using Xunit.Abstractions;

namespace Neurone.Tests.Classic;

public class SvcTests(ITestOutputHelper output)
{
    [Fact]
    public void LinearKernelCannotSeparateCirclesButRbfAndDegreeTwoPolynomialCan()
    {
        var (train, test) = ClassicData.Circles(400, noise: 0.1f);
        double linear = new Svc(kernel: SvmKernel.Linear).Fit(train.X, train.Y).Score(test.X, test.Y);
        double rbf = new Svc(kernel: SvmKernel.Rbf).Fit(train.X, train.Y).Score(test.X, test.Y);
        double poly = new Svc(kernel: SvmKernel.Poly, degree: 2, coef0: 1).Fit(train.X, train.Y).Score(test.X, test.Y);
        var linearSvc = new LinearSvc().Fit(train.X, train.Y).Score(test.X, test.Y);
        output.WriteLine($"circles test accuracy: linear {linear:P1}, LinearSvc {linearSvc:P1}, rbf {rbf:P1}, poly2 {poly:P1}");
        Assert.True(linear <= 0.65, $"linear kernel {linear}");
        Assert.True(linearSvc <= 0.65, $"LinearSvc {linearSvc}");
        Assert.True(rbf >= 0.95, $"rbf {rbf}");
        Assert.True(poly >= 0.95, $"poly {poly}");
    }

    [Fact]
    public void SweepOfCShowsUnderAndOverFitting()
    {
        // Few noisy points and a narrow RBF: small C underfits, large C memorises the training set.
        var (train, test) = ClassicData.Circles(100, noise: 0.25f, seed: 7);
        double[] cs = [0.001, 0.01, 0.1, 1, 10, 100];
        var trainAcc = new double[cs.Length];
        var testAcc = new double[cs.Length];
        output.WriteLine("C        train   test    SVs");
        for (int i = 0; i < cs.Length; i++)
        {
            var svc = new Svc(c: cs[i], gamma: 10.0);
            svc.Fit(train.X, train.Y);
            trainAcc[i] = svc.Score(train.X, train.Y);
            testAcc[i] = svc.Score(test.X, test.Y);
            output.WriteLine($"{cs[i],-8} {trainAcc[i],6:P1} {testAcc[i],6:P1} {svc.SupportIndices.Length,5}");
        }
        for (int i = 1; i < cs.Length; i++)
            Assert.True(trainAcc[i] >= trainAcc[i - 1] - 0.02, $"training accuracy fell from {trainAcc[i - 1]} to {trainAcc[i]} at C = {cs[i]}");
        // Underfitting at small C (every α at its bound, a smooth vote), memorising at large C.
        Assert.True(trainAcc[^1] - trainAcc[0] >= 0.15, $"training accuracy should rise with C: {trainAcc[0]} → {trainAcc[^1]}");
        Assert.True(trainAcc[^1] >= 0.97, $"C = 100 should nearly memorise, got {trainAcc[^1]}");
        // Overfitting: the largest C is not the best on test data, and its train/test gap is the widest.
        Assert.True(testAcc[^1] < testAcc.Max(), "the largest C should not give the best test accuracy");
        Assert.True(trainAcc[^1] - testAcc[^1] > trainAcc[0] - testAcc[0] + 0.1, "the train/test gap should grow with C");
    }

    [Fact]
    public void TwoPointProblemMatchesTheClosedForm()
    {
        // x+ = (1, 1), x− = (−1, −1): w = (x+ − x−)/‖x+ − x−‖²·2 = (½, ½), b = 0, α = ‖w‖²/2 = ¼, margin 2/‖w‖ = 2√2.
        var x = Tensor.FromArray([1f, 1f, -1f, -1f], 2, 2);
        var y = Tensor.FromLongs([1, 0], 2);
        var svc = new Svc(c: 10, kernel: SvmKernel.Linear, tolerance: 1e-6);
        svc.Fit(x, y);
        Assert.Equal([0, 1], svc.SupportIndices);
        var w = svc.Coef.ToArray();
        Assert.Equal(0.5, w[0], 1e-5);
        Assert.Equal(0.5, w[1], 1e-5);
        Assert.Equal(0.0, svc.Intercepts[0], 1e-5);
        Assert.Equal([0.25f, -0.25f], svc.DualCoef.ToArray());
        double margin = 2 / Math.Sqrt(w[0] * w[0] + w[1] * w[1]);
        Assert.Equal(2 * Math.Sqrt(2), margin, 1e-4);
    }

    [Fact]
    public void TwoGaussiansWithTwoAnchorsHaveTheHandDerivedMaximumMargin()
    {
        // Anchors (2, 0) in class 1 and (0, 0) in class 0; every Gaussian point lies at x₁ ≥ 2.5 or ≤ −0.5.
        // The margin cannot exceed the anchors' distance 2, and w = (1, 0), b = −1 reaches it with every
        // other point strictly outside, so the anchors are the only support vectors, each with α = ‖w‖²/2 = ½.
        var rng = new Rng(3);
        var xs = new List<float> { 2f, 0f, 0f, 0f };
        var ys = new List<long> { 1, 0 };
        while (ys.Count < 42)
        {
            int label = ys.Count % 2;
            float cx = label == 1 ? 5f : -3f;
            float px = cx + 0.8f * (float)rng.NextGaussian(), py = 1.5f * (float)rng.NextGaussian();
            if (label == 1 ? px < 2.5f : px > -0.5f) continue;
            xs.Add(px); xs.Add(py); ys.Add(label);
        }
        var x = Tensor.FromArray([.. xs], ys.Count, 2);
        var y = Tensor.FromLongs([.. ys], ys.Count);
        var svc = new Svc(c: 100, kernel: SvmKernel.Linear, tolerance: 1e-6);
        svc.Fit(x, y);
        Assert.Equal([0, 1], svc.SupportIndices);
        var w = svc.Coef.ToArray();
        Assert.Equal(1.0, w[0], 1e-4);
        Assert.Equal(0.0, w[1], 1e-4);
        Assert.Equal(-1.0, svc.Intercepts[0], 1e-4);
        var alpha = svc.DualCoef.ToArray();
        Assert.Equal(0.5, alpha[0], 1e-4);
        Assert.Equal(-0.5, alpha[1], 1e-4);
        Assert.Equal(2.0, 2 / Math.Sqrt(w[0] * w[0] + w[1] * w[1]), 1e-4);
        Assert.Equal(1.0, svc.Score(x, y));
        var f = svc.DecisionFunction(x).ToArray();
        Assert.Equal(1.0, f[0], 1e-4);
        Assert.Equal(-1.0, f[1], 1e-4);
    }

    [Fact]
    public void MulticlassOneVsOneWithEveryKernelIsDeterministic()
    {
        var (x, y) = ClassicData.Blobs(300, 3, 0.8f, seed: 5);
        var (tx, ty) = ClassicData.Blobs(300, 3, 0.8f, seed: 6);
        foreach (var kernel in new[] { SvmKernel.Linear, SvmKernel.Rbf, SvmKernel.Poly, SvmKernel.Sigmoid })
        {
            var a = new Svc(kernel: kernel, gamma: kernel == SvmKernel.Sigmoid ? 0.01 : Gamma.Scale);
            var b = new Svc(kernel: kernel, gamma: kernel == SvmKernel.Sigmoid ? 0.01 : Gamma.Scale, shrinking: false, cacheSizeMb: 0.001);
            a.Fit(x, y);
            b.Fit(x, y);
            double score = a.Score(tx, ty);
            output.WriteLine($"{kernel}: {score:P1}, {a.SupportIndices.Length} SVs, iterations {string.Join("/", a.Iterations)}");
            Assert.True(score >= 0.9, $"{kernel} on three blobs: {score}");
            Assert.Equal(3, a.Pairs.Count);
            Assert.Equal([300, 3], a.DecisionFunction(tx).ShapeArray());
            Assert.All(a.Converged, Assert.True);
            // Shrinking and a two-row cache change the path, not the answer.
            Assert.Equal(a.Predict(tx), b.Predict(tx));
            Assert.Equal(a.DecisionFunction(tx).ToArray(), new Svc(kernel: kernel, gamma: kernel == SvmKernel.Sigmoid ? 0.01 : Gamma.Scale).Fit(x, y).DecisionFunction(tx).ToArray());
        }
    }

    [Fact]
    public void GammaScaleAndAutoFollowScikitLearn()
    {
        var x = Tensor.FromArray([0f, 2f, 4f, 6f], 2, 2);
        var y = Tensor.FromLongs([0, 1], 2);
        // Var of {0, 2, 4, 6} is 5, two features: 1 / (2·5) = 0.1.
        Assert.Equal(0.1, new Svc().Fit(x, y) is Svc s ? s.FittedGamma : 0, 1e-12);
        Assert.Equal(0.5, ((Svc)new Svc(gamma: Gamma.Auto).Fit(x, y)).FittedGamma, 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gamma.Value(-1));
    }
}
