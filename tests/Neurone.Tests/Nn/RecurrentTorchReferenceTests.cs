using System.Text.Json;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Tests.Nn;

/// <summary>
/// LSTM, GRU, LSTMCell and GRUCell against PyTorch 1.13 in float64 (tests/reference/make_recurrent_reference.py):
/// outputs, final states and the gradients of every input, initial state and parameter, with weights copied in by
/// PyTorch's parameter names; stacked, bidirectional, batch-first, without biases, and packed sequences of
/// different lengths.
/// </summary>
public class RecurrentTorchReferenceTests
{
    static readonly JsonElement Root = Fixture.Load("recurrent_reference.json");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    static JsonElement Case(string name) => Root.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("name").GetString() == name);

    static float[] Floats(JsonElement c, string key) => StatsReference.Floats(c.GetProperty(key));

    static Tensor? Leaf(JsonElement c, string key, int[] shape)
    {
        if (!c.TryGetProperty(key, out var v)) return null;
        var t = Tensor.FromArray(StatsReference.Floats(v), shape);
        t.RequiresGrad = true;
        return t;
    }

    static void Near(float[] expected, Tensor actual, string what, double tolerance = 3e-5)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]}, got {a[i]}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Case(name);
        string kind = c.GetProperty("kind").GetString()!;
        int inputSize = c.GetProperty("input_size").GetInt32(), hidden = c.GetProperty("hidden_size").GetInt32();
        int batch = c.GetProperty("batch").GetInt32();
        bool bias = c.GetProperty("bias").GetBoolean();
        Module module;
        Tensor x, hN;
        Tensor? cN = null, h0, c0 = null;
        if (kind is "lstm" or "gru")
        {
            int steps = c.GetProperty("steps").GetInt32(), layers = c.GetProperty("num_layers").GetInt32();
            bool bi = c.GetProperty("bidirectional").GetBoolean(), bf = c.GetProperty("batch_first").GetBoolean();
            int d = bi ? 2 : 1;
            x = Leaf(c, "x", bf ? [batch, steps, inputSize] : [steps, batch, inputSize])!;
            h0 = Leaf(c, "h0", [layers * d, batch, hidden]);
            c0 = Leaf(c, "c0", [layers * d, batch, hidden]);
            var lengths = c.TryGetProperty("lengths", out var l) ? Tensor.FromLongs(l.EnumerateArray().Select(v => v.GetInt64()).ToArray(), batch) : null;
            Tensor output;
            if (kind == "lstm")
            {
                var m = new LSTM(inputSize, hidden, layers, bias, bf, 0f, bi, new Rng(1));
                module = m;
                Load(m, c);
                (output, hN, cN) = m.Forward(x, h0, c0, lengths);
            }
            else
            {
                var m = new GRU(inputSize, hidden, layers, bias, bf, 0f, bi, new Rng(1));
                module = m;
                Load(m, c);
                (output, hN) = m.Forward(x, h0, lengths);
            }
            Near(Floats(c, "out"), output, "output");
            var loss = (output * Tensor.FromArray(Floats(c, "R"), output.ShapeArray())).Sum() + (hN * Tensor.FromArray(Floats(c, "S"), hN.ShapeArray())).Sum();
            if (cN is not null) loss = loss + (cN * Tensor.FromArray(Floats(c, "U"), cN.ShapeArray())).Sum();
            loss.Backward();
        }
        else
        {
            x = Leaf(c, "x", [batch, inputSize])!;
            h0 = Leaf(c, "h0", [batch, hidden]);
            c0 = Leaf(c, "c0", [batch, hidden]);
            if (kind == "lstm_cell")
            {
                var m = new LSTMCell(inputSize, hidden, bias, new Rng(1));
                module = m;
                Load(m, c);
                (hN, cN) = m.Forward(x, h0, c0);
            }
            else
            {
                var m = new GRUCell(inputSize, hidden, bias, new Rng(1));
                module = m;
                Load(m, c);
                hN = m.Forward(x, h0);
            }
            var loss = (hN * Tensor.FromArray(Floats(c, "S"), hN.ShapeArray())).Sum();
            if (cN is not null) loss = loss + (cN * Tensor.FromArray(Floats(c, "U"), cN.ShapeArray())).Sum();
            loss.Backward();
        }
        Near(Floats(c, "h_n"), hN, "h_n");
        if (cN is not null) Near(Floats(c, "c_n"), cN, "c_n");
        Near(Floats(c, "grad_x"), x.Grad!, "grad x");
        if (h0 is not null) Near(Floats(c, "grad_h0"), h0.Grad!, "grad h0");
        if (c0 is not null) Near(Floats(c, "grad_c0"), c0.Grad!, "grad c0");
        var grads = c.GetProperty("grads");
        int count = 0;
        foreach (var (pname, p) in module.NamedParameters())
        {
            Near(StatsReference.Floats(grads.GetProperty(pname)), p.Grad!, "grad " + pname);
            count++;
        }
        Assert.Equal(grads.EnumerateObject().Count(), count);
    }

    /// <summary>Copies PyTorch's parameters in by name; every name must exist on both sides.</summary>
    static void Load(Module m, JsonElement c)
    {
        var ps = c.GetProperty("params");
        var names = m.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(ps.EnumerateObject().Select(p => p.Name).ToList(), names);
        foreach (var (pname, p) in m.NamedParameters())
            StatsReference.Floats(ps.GetProperty(pname)).CopyTo(p.AsSpan());
    }
}
