using Neurone.Kernels;
using Neurone.Optim;
using Neurone.Tensors;

namespace Neurone.Tests.Optim;

[Collection(ThreadSettingCollection.Name)]
public class ParallelStepTests
{
    static float[] Run(Func<Tensor[], Optimizer> make, int threads)
    {
        int saved = Parallelism.Threads;
        try
        {
            Parallelism.Threads = threads;
            // 100,003 elements: above the split threshold, and not a multiple of any vector width.
            var p = Tensor.Randn([100_003], new Rng(1));
            p.RequiresGrad = true;
            var optimizer = make([p]);
            var rng = new Rng(2);
            for (int step = 0; step < 3; step++)
            {
                p.Grad = Tensor.Randn([100_003], rng);
                optimizer.Step();
            }
            return p.ToArray();
        }
        finally
        {
            Parallelism.Threads = saved;
        }
    }

    public static TheoryData<string> Kinds => new() { "sgd", "adam", "adamw", "rmsprop", "adagrad" };

    static Optimizer Make(string kind, Tensor[] p) => kind switch
    {
        "sgd" => new SGD(p, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3),
        "adam" => new Adam(p, amsgrad: true),
        "adamw" => new AdamW(p),
        "rmsprop" => new RMSprop(p, momentum: 0.5, centered: true),
        _ => new Adagrad(p),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SplittingALargeParameterAcrossThreadsChangesNoBit(string kind)
    {
        var one = Run(p => Make(kind, p), 1);
        var two = Run(p => Make(kind, p), 2);
        var three = Run(p => Make(kind, p), 3);
        Assert.Equal(one, two);
        Assert.Equal(one, three);
    }
}
