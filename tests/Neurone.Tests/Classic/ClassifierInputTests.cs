using Neurone.Classic;
using Neurone.Tensors;

namespace Neurone.Tests.Classic;

public class ClassifierInputTests
{
    public static TheoryData<string> Models => new() { "svc", "linear_svc", "knn", "logistic" };

    static IClassifier Make(string name) => name switch
    {
        "svc" => new Svc(),
        "linear_svc" => new LinearSvc(),
        "knn" => new KNearestNeighbors(k: 1),
        _ => new LogisticRegression(epochs: 1),
    };

    static readonly Tensor X = Tensor.FromArray([0f, 0f, 1f, 1f, 0f, 1f, 1f, 0f], 4, 2);
    static readonly Tensor Y = Tensor.FromLongs([0, 1, 0, 1], 4);

    static void Fails(Action action, params string[] words)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        foreach (var w in words) Assert.Contains(w, e.Message);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void BadInputsGetClearErrors(string name)
    {
        var m = Make(name);
        Fails(() => m.Fit(Tensor.FromArray([0f, 0f, float.NaN, 1f, 0f, 1f, 1f, 0f], 4, 2), Y), "finite", "NaN", "sample 1, feature 0");
        Fails(() => m.Fit(Tensor.FromArray([0f, 0f, 1f, 1f, 0f, float.PositiveInfinity, 1f, 0f], 4, 2), Y), "finite", "sample 2, feature 1");
        Fails(() => m.Fit(X, Tensor.FromLongs([1, 1, 1, 1], 4)), "at least 2 classes", "only class 1");
        Fails(() => m.Fit(X, Tensor.FromLongs([0, 1, 0], 3)), "[4]", "[3]");
        Fails(() => m.Fit(new Tensor(0, 2), new Tensor(0)), "at least one sample");
        Fails(() => m.Fit(Tensor.FromArray([1f, 2f], 2), Y), "[samples, features]");
        Fails(() => m.Fit(X, Tensor.FromArray([0f, 1f, 0.5f, 1f], 4)), "Int64 class labels", "Float32");
        Assert.Throws<InvalidOperationException>(() => m.Predict(X));
        Assert.False(((Classifier)m).IsFitted);

        m.Fit(X, Y);
        Fails(() => m.Predict(Tensor.FromArray([1f, 2f, 3f], 1, 3)), "2 features", "got 3");
        Fails(() => m.Score(X, Tensor.FromLongs([0, 1], 2)), "[4]");
        Fails(() => m.DecisionFunction(Tensor.FromArray([float.NaN, 0f], 1, 2)), "finite");
        Assert.Equal([0, 1], m.Classes);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void LabelsNeedNotStartAtZeroAndImagesAreFlattened(string name)
    {
        // Labels 3 and 7; features given as [n, 1, 2] images.
        var x = Tensor.FromArray([0f, 0f, 0.1f, 0f, 5f, 5f, 5.1f, 5f], 4, 1, 2);
        var y = Tensor.FromLongs([3, 3, 7, 7], 4);
        var m = name == "logistic" ? new LogisticRegression(epochs: 200) : Make(name);
        m.Fit(x, y);
        Assert.Equal([3, 7], m.Classes);
        Assert.Equal([3, 3, 7, 7], m.Predict(x));
        Assert.Equal(1.0, m.Score(x, y));
        var f = m.DecisionFunction(x).ToArray();
        Assert.True(f[0] < 0 && f[3] > 0, "positive decisions mean Classes[1]");
    }
}
