using System.Text.Json;
using Neurone.Kernels;
using Neurone.Optim;
using Neurone.Tensors;
using static Neurone.Tests.Optim.OptimizerHarness;

namespace Neurone.Tests.Optim;

/// <summary>
/// Five steps of every optimizer configuration in Fixtures/optimizer_reference.json (PyTorch's float64
/// trajectories, written by tests/reference/make_optimizer_reference.py), on every SIMD path: gradients near 0
/// and near ε, where ε decides the step (a misplaced ε changes it many times over), of order 1, and huge (3e19,
/// whose square overflows float32). The 29-element parameter puts elements on the 512-bit, 256-bit and scalar
/// code, and all paths must give the same bits.
/// </summary>
public class OptimizerReferenceTests
{
    static readonly JsonElement Cases = Load();

    static JsonElement Load()
    {
        return Fixture.Load("optimizer_reference.json").GetProperty("cases");
    }

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>The optimizer PyTorch ran, from its class name and keyword options; absent options take PyTorch's defaults, as ours do.</summary>
    static Optimizer Make(JsonElement c, Tensor p)
    {
        var o = c.GetProperty("options");
        double Get(string name, double fallback) => o.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;
        bool Flag(string name) => o.TryGetProperty(name, out var v) && v.GetBoolean();
        var betas = o.TryGetProperty("betas", out var b) ? Doubles(b) : [0.9, 0.999];
        return c.GetProperty("optimizer").GetString() switch
        {
            "Adam" => new Adam([p], Get("lr", 1e-3), betas[0], betas[1], Get("eps", 1e-8), Get("weight_decay", 0), Flag("amsgrad")),
            "AdamW" => new AdamW([p], Get("lr", 1e-3), betas[0], betas[1], Get("eps", 1e-8), Get("weight_decay", 1e-2), Flag("amsgrad")),
            "RMSprop" => new RMSprop([p], Get("lr", 1e-2), Get("alpha", 0.99), Get("eps", 1e-8), Get("weight_decay", 0),
                Get("momentum", 0), Flag("centered")),
            "Adagrad" => new Adagrad([p], Get("lr", 1e-2), Get("lr_decay", 0), Get("weight_decay", 0),
                Get("initial_accumulator_value", 0), Get("eps", 1e-10)),
            "SGD" => new SGD([p], Get("lr", 1e-3), Get("momentum", 0), Get("dampening", 0), Flag("nesterov"), Get("weight_decay", 0)),
            var kind => throw new ArgumentException($"optimizer_reference.json: no Neurone counterpart for '{kind}'."),
        };
    }

    /// <summary>The parameter after each step on one SIMD path: [step][element].</summary>
    static float[][] Run(JsonElement c, SimdLevel level)
    {
        var p = Tensor.FromArray(Doubles(c.GetProperty("initial")).Select(v => (float)v).ToArray());
        p.RequiresGrad = true;
        var opt = Make(c, p);
        opt.Level = level;
        var result = new List<float[]>();
        foreach (var g in c.GetProperty("gradients").EnumerateArray())
        {
            p.Grad = Tensor.FromArray(Doubles(g).Select(v => (float)v).ToArray());
            opt.Step();
            result.Add(p.ToArray());
        }
        return [.. result];
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TrajectoryMatchesPyTorchOnEveryPath(string name)
    {
        var c = Cases.EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        var initial = Doubles(c.GetProperty("initial"));
        var expected = c.GetProperty("parameters").EnumerateArray().Select(Doubles).ToArray();
        float[][]? first = null;
        foreach (var level in Levels())
        {
            var got = Run(c, level);
            // Float32 rounding accumulates relative to the largest value an element has held, so an element that
            // passes near 0 is measured against that; ε's misplacement or an overflow changes steps by factors.
            var largest = initial.Select(Math.Abs).ToArray();
            for (int s = 0; s < expected.Length; s++)
                for (int i = 0; i < initial.Length; i++)
                {
                    double e = expected[s][i], a = got[s][i];
                    largest[i] = Math.Max(largest[i], Math.Abs(e));
                    Assert.True(Math.Abs(a - e) <= 1e-5 * largest[i],
                        $"{name}, {level}: step {s + 1}, element {i}: PyTorch (float64) {e:R}, Neurone {a:R}.");
                }
            if (first is null) first = got;
            else
                for (int s = 0; s < got.Length; s++)
                    Assert.True(first[s].AsSpan().SequenceEqual(got[s]), $"{name}: {level} and {Levels().First()} differ at step {s + 1}.");
        }
    }
}
