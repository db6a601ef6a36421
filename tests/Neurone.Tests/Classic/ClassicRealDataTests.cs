using System.Diagnostics;
using Neurone.Classic;
using Neurone.Data;
using Neurone.Tensors;
using Neurone.Tests.Data;
using Xunit.Abstractions;

namespace Neurone.Tests.Classic;

/// <summary>
/// The baselines on all of MNIST (opt-in: NEURONE_REAL_DATA=1). Pixels are scaled to [0, 1] and not
/// otherwise normalised. Each test prints its accuracy and times; docs/baselines.md records them.
/// </summary>
public class ClassicRealDataTests(ITestOutputHelper output)
{
    static (Tensor X, Tensor Y) Rows(Dataset set, int count)
    {
        var idx = new int[count];
        for (int i = 0; i < count; i++) idx[i] = i;
        var x = new Tensor(count, set.SampleSize);
        var y = Tensor.Zeros([count], DType.Int64);
        set.GetFeatures(idx, x.AsSpan());
        set.GetLabels(idx, y.AsLongSpan());
        return (x, y);
    }

    static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Mnist(int train = 60000, int test = 10000)
    {
        var (tr, te) = Neurone.Data.Mnist.Load(DataCache.DirectoryFor("mnist"));
        return (Rows(tr, train), Rows(te, test));
    }

    [RealDataFact]
    public void KNearestNeighborsOnMnist()
    {
        var (train, test) = Mnist();
        var knn = new KNearestNeighbors(k: 3);
        var sw = Stopwatch.StartNew();
        knn.Fit(train.X, train.Y);
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        double score = knn.Score(test.X, test.Y);
        double query = sw.Elapsed.TotalSeconds;
        output.WriteLine($"kNN k=3 MNIST: test accuracy {score:P2}; fit {fit:0.00} s; 10,000 queries {query:0.0} s = {query / 10:0.00} s per 1,000");
        Assert.True(score >= 0.965, $"{score}");
    }

    [RealDataFact]
    public void LogisticRegressionOnMnist()
    {
        var (train, test) = Mnist();
        var model = new LogisticRegression(c: 1, epochs: 20, seed: 0);
        var sw = Stopwatch.StartNew();
        model.Fit(train.X, train.Y);
        double fit = sw.Elapsed.TotalSeconds;
        double score = model.Score(test.X, test.Y);
        output.WriteLine($"logistic regression MNIST: test accuracy {score:P2}, train {model.Score(train.X, train.Y):P2}; fit {fit:0.0} s (20 epochs, final loss {model.LossHistory[^1]:0.0000})");
        Assert.True(score >= 0.915, $"{score}");
    }

    [RealDataFact]
    public void LinearSvcOnMnist()
    {
        var (train, test) = Mnist();
        var model = new LinearSvc(c: 0.01, maxIterations: 50, seed: 0);
        var sw = Stopwatch.StartNew();
        model.Fit(train.X, train.Y);
        double fit = sw.Elapsed.TotalSeconds;
        double score = model.Score(test.X, test.Y);
        output.WriteLine($"LinearSvc (C=0.01, squared hinge, ≤50 passes) MNIST: test accuracy {score:P2}; fit {fit:0.0} s; passes {string.Join("/", model.Iterations)}");
        Assert.True(score >= 0.90, $"{score}");
    }

    [RealDataFact]
    public void RbfSvcOnTenThousandMnistDigits()
    {
        var (train, test) = Mnist(train: 10000);
        var svc = new Svc(c: 10, kernel: SvmKernel.Rbf);
        var sw = Stopwatch.StartNew();
        svc.Fit(train.X, train.Y);
        double fit = sw.Elapsed.TotalSeconds;
        sw.Restart();
        double score = svc.Score(test.X, test.Y);
        double query = sw.Elapsed.TotalSeconds;
        output.WriteLine($"RBF Svc (C=10, gamma=scale={svc.FittedGamma:0.0000}) on 10,000 MNIST digits: test accuracy {score:P2}; fit {fit:0.0} s; " +
            $"{svc.SupportIndices.Length} support vectors; 10,000 predictions {query:0.0} s; iterations {svc.Iterations.Sum()}");
        Assert.True(score >= 0.95, $"{score}");
    }
}
