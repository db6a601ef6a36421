using System.Diagnostics;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Bench;

/// <summary>The timing and scoring helpers every benchmark shares.</summary>
static class Measure
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times, then returns the seconds of each of <paramref name="reps"/> runs.</summary>
    public static double[] Time(Action action, int reps, int warmup)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        return times;
    }

    /// <summary>Test accuracy of a classifier's argmax, in batches of 1,000, without gradients.</summary>
    public static double Accuracy(Module model, Tensor x, Tensor y)
    {
        using var _ = GradMode.NoGrad();
        int correct = 0;
        var labels = y.AsLongSpan();
        for (int i = 0; i < labels.Length; i += 1000)
        {
            int count = Math.Min(1000, labels.Length - i);
            var predicted = model.Forward(x.Slice(i, count)).ArgMax(1).AsLongSpan();
            for (int j = 0; j < count; j++) if (predicted[j] == labels[i + j]) correct++;
        }
        return correct / (double)labels.Length;
    }
}
