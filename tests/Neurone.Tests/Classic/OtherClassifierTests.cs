using Neurone.Classic;
using Neurone.Tensors;
using Xunit.Abstractions;

namespace Neurone.Tests.Classic;

public class OtherClassifierTests(ITestOutputHelper output)
{
    [Fact]
    public void KNearestNeighborsSeparatesBlobsAndFindsExactNeighbours()
    {
        var (x, y) = ClassicData.Blobs(300, 3, 1f, seed: 11);
        var (tx, ty) = ClassicData.Blobs(300, 3, 1f, seed: 12);
        var knn = new KNearestNeighbors(k: 5, batchFloats: 1000); // tiny batches: several GEMM blocks
        knn.Fit(x, y);
        double score = knn.Score(tx, ty);
        output.WriteLine($"kNN k=5 on three blobs: {score:P1}");
        Assert.True(score >= 0.95, $"{score}");
        Assert.Equal(1.0, new KNearestNeighbors(k: 1).Fit(x, y).Score(x, y));
        Assert.Equal(knn.Predict(tx), new KNearestNeighbors(k: 5).Fit(x, y).Predict(tx));

        // Brute force in double on a few queries: same neighbours, same distances.
        var (dist, idx) = knn.KNeighbors(tx);
        var xs = x.ToArray();
        var qs = tx.ToArray();
        for (int q = 0; q < 10; q++)
        {
            var d = new double[300];
            for (int t = 0; t < 300; t++)
                d[t] = Math.Sqrt(Math.Pow(qs[2 * q] - xs[2 * t], 2) + Math.Pow(qs[2 * q + 1] - xs[2 * t + 1], 2));
            var order = Enumerable.Range(0, 300).OrderBy(t => d[t]).Take(5).ToArray();
            Assert.Equal(order, idx[(q * 5)..(q * 5 + 5)]);
            for (int j = 0; j < 5; j++) Assert.Equal(d[order[j]], dist[q, j], 1e-4);
        }
    }

    [Fact]
    public void KNearestNeighborsBreaksTiesTowardTheNearestClassAndLowestIndex()
    {
        // Query at 0: neighbours at distances 1 (class 5), 2 (class 2), 2 (class 2), 3 (class 5) → two votes each.
        var x = Tensor.FromArray([1f, 2f, -2f, 3f, 10f], 5, 1);
        var y = Tensor.FromLongs([5, 2, 2, 5, 2], 5);
        var knn = new KNearestNeighbors(k: 4).Fit(x, y);
        Assert.Equal([5], knn.Predict(Tensor.FromArray([0f], 1, 1)));
        // Equal distances: the lower training index comes first.
        var (_, idx) = ((KNearestNeighbors)knn).KNeighbors(Tensor.FromArray([0f], 1, 1));
        Assert.Equal([0, 1, 2, 3], idx);
        Assert.Throws<ArgumentException>(() => new KNearestNeighbors(k: 6).Fit(x, y));
    }

    [Fact]
    public void LogisticRegressionSeparatesBlobsAndIsSeeded()
    {
        var (x, y) = ClassicData.Blobs(300, 3, 1f, seed: 21);
        var (tx, ty) = ClassicData.Blobs(300, 3, 1f, seed: 22);
        var model = new LogisticRegression(seed: 4);
        model.Fit(x, y);
        double score = model.Score(tx, ty);
        output.WriteLine($"logistic regression on three blobs: {score:P1}, loss {model.LossHistory[0]:0.000} → {model.LossHistory[^1]:0.000}");
        Assert.True(score >= 0.95, $"{score}");
        Assert.True(model.LossHistory[^1] < model.LossHistory[0]);
        var again = new LogisticRegression(seed: 4).Fit(x, y);
        Assert.Equal(model.DecisionFunction(tx).ToArray(), again.DecisionFunction(tx).ToArray());
        var p = model.PredictProba(tx);
        Assert.Equal([300, 3], p.ShapeArray());
        Assert.Equal(1.0, p[0, 0] + p[0, 1] + p[0, 2], 1e-5);
        // Stronger regularisation shrinks the weights.
        var strong = new LogisticRegression(c: 0.001, seed: 4).Fit(x, y);
        float Norm(Tensor w) { float s = 0; foreach (var v in w.ToArray()) s += v * v; return s; }
        Assert.True(Norm(((LogisticRegression)strong).Coef) < Norm(model.Coef));
    }

    [Fact]
    public void LinearSvcSeparatesBlobsAndIsSeeded()
    {
        var (x, y) = ClassicData.Blobs(300, 3, 1f, seed: 31);
        var (tx, ty) = ClassicData.Blobs(300, 3, 1f, seed: 32);
        foreach (var loss in new[] { LinearSvmLoss.Hinge, LinearSvmLoss.SquaredHinge })
        {
            var model = new LinearSvc(loss: loss, seed: 9);
            model.Fit(x, y);
            double score = model.Score(tx, ty);
            output.WriteLine($"LinearSvc {loss} on three blobs: {score:P1}, passes {string.Join("/", model.Iterations)}");
            Assert.True(score >= 0.95, $"{loss}: {score}");
            Assert.All(model.Converged, Assert.True);
            Assert.Equal([3, 2], model.Coef.ShapeArray());
            Assert.Equal(model.Coef.ToArray(), new LinearSvc(loss: loss, seed: 9).Fit(x, y) is LinearSvc m ? m.Coef.ToArray() : null);
        }
    }

    [Fact]
    public void LinearSvcAgreesWithTheKernelSvcOnASeparableProblem()
    {
        // With the hinge loss and a tiny intercept penalty (large scaling), the dual is the kernel SVC's.
        var (x, y) = ClassicData.Blobs(200, 2, 1.5f, seed: 41);
        var lin = new LinearSvc(c: 0.1, loss: LinearSvmLoss.Hinge, tolerance: 1e-6, maxIterations: 100_000, interceptScaling: 100).Fit(x, y);
        var svc = new Svc(c: 0.1, kernel: SvmKernel.Linear, tolerance: 1e-6).Fit(x, y);
        var w1 = ((LinearSvc)lin).Coef.ToArray();
        var w2 = ((Svc)svc).Coef.ToArray();
        output.WriteLine($"LinearSvc w = ({w1[0]:0.0000}, {w1[1]:0.0000}), Svc w = ({w2[0]:0.0000}, {w2[1]:0.0000})");
        Assert.Equal(w2[0], w1[0], 2e-2);
        Assert.Equal(w2[1], w1[1], 2e-2);
        Assert.Equal(lin.Predict(x), svc.Predict(x));
    }
}
