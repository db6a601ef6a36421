using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Training;

public class MetricTests
{
    [Fact]
    public void AccuracyOverBatchesWeightsBySampleCount()
    {
        var m = new Accuracy();
        m.Update(Tensor.FromArray([2f, 1f, 0f, 3f], 2, 2), Tensor.FromLongs([0, 0]));      // 1 of 2
        m.Update(Tensor.FromArray([0f, 1f], 1, 2), Tensor.FromLongs([1]));                  // 1 of 1
        Assert.Equal(2.0 / 3, m.Result(), 12);
        m.Update(Tensor.FromArray([0f, 1f], 1, 2), Tensor.FromArray([1f, 0f], 1, 2));        // one-hot target, wrong
        Assert.Equal(0.5, m.Result(), 12);
        m.Reset();
        Assert.True(double.IsNaN(m.Result()));
        var binary = new Accuracy(threshold: 0.5f);
        binary.Update(Tensor.FromArray([0.9f, 0.2f, 0.6f], 3, 1), Tensor.FromArray([1f, 0f, 0f]));
        Assert.Equal(2.0 / 3, binary.Result(), 12);
    }

    [Fact]
    public void TopKCountsTheTargetAmongTheKLargest()
    {
        var m = new TopKAccuracy(2);
        m.Update(Tensor.FromArray([0.1f, 0.5f, 0.4f, 0.9f, 0.05f, 0.05f], 2, 3), Tensor.FromLongs([2, 2]));
        Assert.Equal(0.5, m.Result(), 12);
        Assert.Equal("top_2_accuracy", m.Name);
    }

    [Fact]
    public void RegressionMetricsMatchTheirDefinitions()
    {
        var o = Tensor.FromArray([1f, 2f, 3f, 4f]);
        var t = Tensor.FromArray([1.5f, 2f, 2f, 5f]);
        var mse = new MeanSquaredError(); mse.Update(o, t);
        var mae = new MeanAbsoluteError(); mae.Update(o, t);
        var r2 = new R2Score(); r2.Update(o, t);
        Assert.Equal((0.25 + 0 + 1 + 1) / 4, mse.Result(), 6);
        Assert.Equal((0.5 + 0 + 1 + 1) / 4, mae.Result(), 6);
        double mean = (1.5 + 2 + 2 + 5) / 4, total = new[] { 1.5, 2, 2, 5 }.Sum(v => (v - mean) * (v - mean));
        Assert.Equal(1 - 2.25 / total, r2.Result(), 6);
        Assert.Throws<ArgumentException>(() => mse.Update(o, Tensor.Zeros(3)));
    }

    [Fact]
    public void ConfusionMatrixGivesPerClassPrecisionRecallAndF1()
    {
        var cm = new ConfusionMatrix(3);
        cm.Add([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2]);
        Assert.Equal(1, cm[0, 1]);
        Assert.Equal(2, cm[2, 2]);
        Assert.Equal(0.5, cm.Precision(0), 12);  // predicted 0: samples 0 and 5
        Assert.Equal(0.5, cm.Recall(0), 12);
        Assert.Equal(2.0 / 3, cm.Precision(1), 12);
        Assert.Equal(1.0, cm.Recall(1), 12);
        Assert.Equal(0.8, cm.F1(1), 12);
        Assert.Equal(5.0 / 7, cm.Result(), 12);
        var text = cm.ToString(["a", "b", "c"]);
        Assert.Contains("macro avg", text);
        Assert.Contains("true\\pred", text);
        Assert.Throws<ArgumentOutOfRangeException>(() => cm.Add([3], [0]));
        Assert.Throws<ArgumentException>(() => cm.Add([0, 1], [0]));
        var empty = new ConfusionMatrix(2);
        Assert.Equal(0, empty.Precision(0));
    }

    [Fact]
    public void ClassMetricsTakeInt64LabelsAndNameFloatOnes()
    {
        var output = Tensor.FromArray([0.1f, 0.9f, 0.8f, 0.2f], 2, 2);
        var e = Assert.Throws<ArgumentException>(() => new Accuracy().Update(output, Tensor.FromArray([1f, 0f])));
        Assert.Contains("accuracy", e.Message);
        Assert.Contains("Int64", e.Message);
        Assert.Contains("Float32", e.Message);
        e = Assert.Throws<ArgumentException>(() => new TopKAccuracy(1).Update(output, Tensor.FromLongs([1, 2])));
        Assert.Contains("label 2", e.Message);
        var cm = new ConfusionMatrix(2);
        cm.Update(output, Tensor.FromLongs([1, 1]));
        Assert.Equal(1, cm[1, 1]);
        Assert.Equal(1, cm[1, 0]);
        cm.Add(Tensor.FromLongs([0]), output.ArgMax(1).Slice(1, 1));
        Assert.Equal(1, cm[0, 0]);
        Assert.Contains("Float32", Assert.Throws<ArgumentException>(() => cm.Add(Tensor.FromArray([0f]), Tensor.FromLongs([0]))).Message);
        // A single output column with 0/1 Int64 labels.
        var binary = new Accuracy(threshold: 0.5f);
        binary.Update(Tensor.FromArray([0.9f, 0.2f, 0.6f], 3, 1), Tensor.FromLongs([1, 0, 0]));
        Assert.Equal(2 / 3.0, binary.Result(), 6);
    }
}
