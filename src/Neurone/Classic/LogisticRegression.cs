using System.Numerics.Tensors;
using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Classic;

/// <summary>
/// Multinomial logistic regression: softmax over x·Wᵀ + b, trained on the cross-entropy plus the L2
/// penalty ‖W‖² / (2·C·n) — scikit-learn's objective (C Σ loss + ½‖W‖², divided by C·n), so C means what
/// it means there and the intercept is not penalised. Training is mini-batch <see cref="Adam"/> through
/// our own <see cref="Linear"/> and <see cref="CrossEntropyLoss"/>, with the learning rate annealed to 0
/// by a cosine over the epochs so the last steps settle near the optimum rather than rattle around it
/// (scikit-learn uses L-BFGS on the full batch; this is the neural-network way, and on MNIST a few
/// epochs reach what L-BFGS reaches). Weights start at zero; the batch order comes from an
/// <see cref="Rng"/> seeded with <see cref="Seed"/>, so the same seed gives the same model.
/// </summary>
public sealed class LogisticRegression : Classifier
{
    float[] weights = [], bias = [];

    /// <summary>C = 1, 30 epochs of batches of 128, Adam with learning rate 0.01.</summary>
    public LogisticRegression(double c = 1.0, int epochs = 30, int batchSize = 128, double learningRate = 0.01, ulong seed = 0)
    {
        if (!(c > 0) || double.IsInfinity(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "LogisticRegression: expected a finite C > 0.");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "LogisticRegression: expected at least 1 epoch.");
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "LogisticRegression: expected a batch size of at least 1.");
        if (!(learningRate > 0) || double.IsInfinity(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "LogisticRegression: expected a finite learning rate > 0.");
        C = c;
        Epochs = epochs;
        BatchSize = batchSize;
        LearningRate = learningRate;
        Seed = seed;
    }

    /// <summary>The inverse regularisation strength, as in scikit-learn.</summary>
    public double C { get; }
    public int Epochs { get; }
    public int BatchSize { get; }
    public double LearningRate { get; }
    public ulong Seed { get; }

    /// <summary>The mean training loss (cross-entropy plus penalty) of each epoch.</summary>
    public double[] LossHistory { get; private set; } = [];

    /// <summary>The weights W, [classes, features].</summary>
    public Tensor Coef => Tensor.FromArray((float[])weights.Clone(), Classes.Count, Features);

    /// <summary>The intercepts b, [classes].</summary>
    public Tensor Intercept => Tensor.FromArray((float[])bias.Clone(), Classes.Count);

    protected override void FitCore(ReadOnlySpan<float> x, int n, int d, int[] y, int classCount)
    {
        var rng = new Rng(Seed);
        var linear = new Linear(d, classCount, rng: rng.Fork());
        linear.Weight.Fill(0f);
        linear.Bias!.Fill(0f);
        var loss = new CrossEntropyLoss();
        var optimizer = new Adam(linear.Parameters(), LearningRate);
        float lambda = (float)(1.0 / (C * n));
        int bs = Math.Min(BatchSize, n);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var history = new double[Epochs];
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            optimizer.LearningRate = LearningRate * 0.5 * (1 + Math.Cos(Math.PI * epoch / Epochs));
            rng.Shuffle<int>(order);
            double total = 0;
            for (int start = 0; start < n; start += bs)
            {
                int m = Math.Min(bs, n - start);
                var xb = new Tensor(m, d);
                var yb = new Tensor(m);
                var xs = xb.AsSpan();
                var ys = yb.AsSpan();
                for (int r = 0; r < m; r++)
                {
                    int i = order[start + r];
                    x.Slice(i * d, d).CopyTo(xs.Slice(r * d, d));
                    ys[r] = y[i];
                }
                optimizer.ZeroGrad();
                var l = loss.Forward(linear.Forward(xb), yb);
                l.Backward();
                // The penalty's gradient λW, added by hand so the bias stays unpenalised.
                var w = linear.Weight.AsReadOnlySpan();
                var gw = linear.Weight.Grad!.AsSpan();
                TensorPrimitives.MultiplyAdd(w, lambda, gw, gw);
                total += (l.Item() + 0.5 * lambda * TensorPrimitives.Dot(w, w)) * m;
                optimizer.Step();
            }
            history[epoch] = total / n;
        }
        weights = linear.Weight.ToArray();
        bias = linear.Bias.ToArray();
        LossHistory = history;
    }

    float[] Logits(ReadOnlySpan<float> x, int n)
    {
        int k = Classes.Count, d = Features;
        var logits = new float[(long)n * k];
        for (int i = 0; i < n; i++) bias.CopyTo(logits.AsSpan(i * k, k));
        Gemm.Multiply(false, true, n, k, d, 1f, x, d, weights, d, 1f, logits, k);
        return logits;
    }

    protected override int[] PredictIndices(ReadOnlySpan<float> x, int n)
    {
        var logits = Logits(x, n);
        int k = Classes.Count;
        var winners = new int[n];
        for (int i = 0; i < n; i++) winners[i] = TensorPrimitives.IndexOfMax(logits.AsSpan(i * k, k));
        return winners;
    }

    /// <summary>The class probabilities (softmax of the logits), [n, classes].</summary>
    public Tensor PredictProba(Tensor x)
    {
        int n = CheckQuery(x, nameof(PredictProba));
        var logits = Logits(x.AsReadOnlySpan(), n);
        int k = Classes.Count;
        for (int i = 0; i < n; i++) Kernels.Softmax.Forward(logits.AsSpan(i * k, k), logits.AsSpan(i * k, k));
        return Tensor.FromArray(logits, n, k);
    }

    /// <summary>The logits, [n, classes]; with two classes, [n] the logit of <c>Classes[1]</c> minus that of <c>Classes[0]</c>.</summary>
    protected override Tensor DecisionCore(ReadOnlySpan<float> x, int n)
    {
        var logits = Logits(x, n);
        int k = Classes.Count;
        if (k > 2) return Tensor.FromArray(logits, n, k);
        var diff = new float[n];
        for (int i = 0; i < n; i++) diff[i] = logits[2 * i + 1] - logits[2 * i];
        return Tensor.FromArray(diff, n);
    }
}
