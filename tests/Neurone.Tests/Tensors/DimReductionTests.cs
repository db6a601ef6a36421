using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

/// <summary>Reductions along one or several dimensions of awkward shapes, against naive references in double.</summary>
public class DimReductionTests
{
    /// <summary>Groups the elements by their index outside <paramref name="reduced"/> and folds each group.</summary>
    static Tensor Reference(Tensor t, bool[] reduced, bool keepDim, Func<List<double>, double> fold)
    {
        var shape = t.ShapeArray();
        var outShape = shape.Select((s, d) => reduced[d] ? 1 : s).ToArray();
        var groups = new Dictionary<string, List<double>>();
        foreach (var i in Naive.Indices(shape))
        {
            string key = string.Join(",", i.Select((v, d) => reduced[d] ? 0 : v));
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(t[i]);
        }
        var r = Naive.Build(outShape, i => (float)fold(groups.TryGetValue(string.Join(",", i), out var l) ? l : []));
        return keepDim ? r : r.Reshape(shape.Where((_, d) => !reduced[d]).ToArray());
    }

    static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.ShapeArray(), actual.ShapeArray());
        var e = expected.ToArray();
        var g = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = float.IsNaN(e[i]) ? float.IsNaN(g[i]) : float.IsInfinity(e[i]) ? e[i] == g[i] : Math.Abs(e[i] - g[i]) <= 1e-5 * Math.Max(1, Math.Abs(e[i]));
            Assert.True(ok, $"{what} element {i}: expected {e[i]}, got {g[i]}");
        }
    }

    static double Var(List<double> l, int correction)
    {
        double m = l.Average();
        return l.Sum(v => (v - m) * (v - m)) / (l.Count - correction);
    }

    [Fact]
    public void OneDimensionReductionsOnAwkwardShapes()
    {
        foreach (var shape in Naive.AwkwardShapes)
        {
            var t = Tensor.Randn(shape, new Rng(7));
            for (int dim = -shape.Length; dim < shape.Length; dim++)
                foreach (bool keep in new[] { false, true })
                {
                    var reduced = new bool[shape.Length];
                    reduced[Naive.Wrap(dim, shape.Length)] = true;
                    string what = $"{string.Join("x", shape)} dim {dim} keepDim {keep}";
                    AssertClose(Reference(t, reduced, keep, l => l.Sum()), t.Sum(dim, keep), "sum " + what);
                    AssertClose(Reference(t, reduced, keep, l => l.Count == 0 ? double.NaN : l.Average()), t.Mean(dim, keep), "mean " + what);
                    AssertClose(Reference(t, reduced, keep, l => l.Count < 2 ? double.NaN : Var(l, 1)), t.Var(dim, keep), "var " + what);
                    AssertClose(Reference(t, reduced, keep, l => l.Count == 0 ? double.NaN : Math.Sqrt(Var(l, 0))), t.Std(dim, keep, correction: 0), "std " + what);
                    if (shape[Naive.Wrap(dim, shape.Length)] == 0) continue;
                    AssertClose(Reference(t, reduced, keep, l => l.Count == 0 ? 0 : l.Max()), t.Max(dim, keep), "max " + what);
                    AssertClose(Reference(t, reduced, keep, l => l.Count == 0 ? 0 : l.Min()), t.Min(dim, keep), "min " + what);
                }
        }
    }

    public static TheoryData<int[], int[]> Several => new()
    {
        { new[] { 2, 3, 4 }, new[] { 0, 2 } },
        { new[] { 2, 3, 4 }, new[] { 1, 2 } },
        { new[] { 2, 3, 4 }, new[] { -1, 0 } },
        { new[] { 2, 3, 4 }, new[] { 0, 1, 2 } },
        { new[] { 2, 3, 4 }, new int[0] },
        { new[] { 2, 1, 3, 1, 4 }, new[] { 1, 3, 4 } },
        { new[] { 2, 2, 3, 2, 2 }, new[] { 0, 2, 4 } },
        { new[] { 3, 0, 2 }, new[] { 0, 2 } },
        { new[] { 3, 0, 2 }, new[] { 1 } },
        { new[] { 5 }, new[] { 0 } },
        { new int[0], new int[0] },
    };

    [Theory]
    [MemberData(nameof(Several))]
    public void SeveralDimensionsAtOnce(int[] shape, int[] dims)
    {
        var t = Tensor.Randn(shape, new Rng(8), mean: 100f);
        var reduced = new bool[shape.Length];
        foreach (int d in dims) reduced[Naive.Wrap(d, shape.Length)] = true;
        if (dims.Length == 0) Array.Fill(reduced, true);
        foreach (bool keep in new[] { false, true })
        {
            AssertClose(Reference(t, reduced, keep, l => l.Sum()), t.Sum(dims, keep), "sum");
            AssertClose(Reference(t, reduced, keep, l => l.Count == 0 ? double.NaN : l.Average()), t.Mean(dims, keep), "mean");
            AssertClose(Reference(t, reduced, keep, l => l.Count < 2 ? double.NaN : Var(l, 1)), t.Var(dims, keep), "var");
            AssertClose(Reference(t, reduced, keep, l => l.Count < 1 ? double.NaN : Math.Sqrt(Var(l, 0))), t.Std(dims, keep, correction: 0), "std");
        }
    }

    [Fact]
    public void BadDimensionsNameTheOpAndTheShape()
    {
        var t = Tensor.Zeros(2, 3);
        var e = Assert.Throws<ArgumentException>(() => t.Sum([1, -1]));
        Assert.Equal("sum: dimension 1 appears twice in [1,-1] for shape [2,3].", e.Message);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => t.Mean([0, 2]));
        Assert.Contains("mean: dimension 2 is out of range for shape [2,3] (rank 2, expected -2..1)", r.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Var([-3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1).Sum(0));
        var m = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 0).Max(1));
        Assert.Contains("[2,0]", m.Message);
    }
}
