using Neurone.Tensors;

namespace Neurone.Tests.Tensors;

public class ReductionTests
{
    /// <summary>Naive reference: reduces along one axis by walking every output index.</summary>
    static double[] Reference(Tensor t, int axis, Func<IEnumerable<double>, double> f, out int[] outShape)
    {
        var shape = t.ShapeArray();
        int outer = shape.Take(axis).Aggregate(1, (a, b) => a * b);
        int inner = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        int n = shape[axis];
        var v = t.ToArray();
        var result = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
                result[o * inner + i] = f(Enumerable.Range(0, n).Select(j => (double)v[(o * n + j) * inner + i]));
        outShape = shape.Where((_, d) => d != axis).ToArray();
        return result;
    }

    public static TheoryData<int[], int> Cases => new()
    {
        { new[] { 7 }, 0 },
        { new[] { 3, 5 }, 0 },
        { new[] { 3, 5 }, 1 },
        { new[] { 3, 5 }, -1 },
        { new[] { 2, 3, 4 }, 1 },
        { new[] { 2, 3, 65 }, 2 },
        { new[] { 1, 1, 9 }, 0 },
        { new[] { 4, 1, 3 }, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AxisReductionsMatchTheNaiveReference(int[] shape, int axis)
    {
        var t = Tensor.Randn(shape, new Rng(4));
        int ax = axis < 0 ? axis + shape.Length : axis;
        Compare(Reference(t, ax, x => x.Sum(), out var s), s, t.Sum(axis));
        Compare(Reference(t, ax, x => x.Average(), out s), s, t.Mean(axis));
        Compare(Reference(t, ax, x => x.Max(), out s), s, t.Max(axis));
        Compare(Reference(t, ax, x => x.Min(), out s), s, t.Min(axis));
        Compare(Reference(t, ax, x => { var l = x.ToList(); return l.IndexOf(l.Max()); }, out s), s, t.ArgMax(axis).Float());
        Compare(Reference(t, ax, x => { var l = x.ToList(); double m = l.Average(); return l.Count < 2 ? double.NaN : l.Sum(v => (v - m) * (v - m)) / (l.Count - 1); }, out s), s, t.Var(axis));
        Compare(Reference(t, ax, x => { var l = x.ToList(); double m = l.Average(); return l.Sum(v => (v - m) * (v - m)) / l.Count; }, out s), s, t.Var(axis, correction: 0));

        var kept = t.Sum(axis, keepDim: true);
        var expectedShape = (int[])shape.Clone();
        expectedShape[ax] = 1;
        Assert.Equal(expectedShape, kept.ShapeArray());
    }

    static void Compare(double[] expected, int[] shape, Tensor actual)
    {
        Assert.Equal(shape, actual.ShapeArray());
        var got = actual.ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(float.IsNaN(got[i]) || float.IsInfinity(got[i]), $"element {i}: expected NaN, got {got[i]}"); continue; }
            Assert.True(Math.Abs(expected[i] - got[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {got[i]}");
        }
    }

    [Fact]
    public void FullReductions()
    {
        var t = Tensor.FromArray([3f, -1f, 7f, 7f, 2f], 5);
        Assert.Equal(18f, t.Sum().Item());
        Assert.Equal(3.6f, t.Mean().Item(), 5);
        Assert.Equal(7f, t.Max().Item());
        Assert.Equal(-1f, t.Min().Item());
        Assert.Equal(2, t.ArgMax()); // first of the tied maxima
        Assert.Equal(0, t.Sum().Rank);
    }

    [Fact]
    public void EmptyInputsAreHandledOrNamed()
    {
        var empty = Tensor.Zeros(0, 3);
        Assert.Equal(0f, empty.Sum().Item());
        Assert.Equal(new float[] { 0, 0, 0 }, empty.Sum(0).ToArray());
        Assert.Throws<InvalidOperationException>(() => empty.Max());
        var e = Assert.Throws<InvalidOperationException>(() => empty.Max(0));
        Assert.Contains("[0,3]", e.Message);
        Assert.Throws<InvalidOperationException>(() => empty.ArgMax(0));
    }

    [Fact]
    public void BadAxisNamesTheShape()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2));
        Assert.Contains("[2,3]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Mean(-3));
    }
}
