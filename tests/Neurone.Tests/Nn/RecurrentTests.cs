using Neurone.Kernels;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Nn;

/// <summary>
/// F.Lstm, F.Gru and the recurrent modules: finite-difference gradients of every input (lengths, reverse,
/// batch-first, stacked, bidirectional, initial states), the packed-sequence semantics, saving and loading, and
/// the fused cell kernels on every SIMD path against a double-precision reference.
/// </summary>
public class RecurrentTests
{
    static Tensor Flat(params Tensor[] parts) => Tensor.Cat(parts.Select(p => p.Reshape(p.Count)).ToList(), 0);

    // GradCheck's default step (1e-2) with a tolerance of 3e-2 rather than 1e-2: through several steps of sigmoids
    // and tanhs the float32 rounding and the centred difference's truncation leave errors of up to about 1.5% on the
    // smallest gradients (a smaller step makes it worse: rounding dominates). A wrong gradient is off by 10% or more,
    // and the parity tests pin every gradient to PyTorch's float64 within 3e-5.
    static void Check(Func<Tensor> f, params Tensor[] inputs)
    {
        var r = Neurone.Autograd.GradCheck.Run(f, inputs, tolerance: 3e-2f);
        Assert.True(r.Passed, r.ToString());
    }

    static Tensor Lengths(params long[] values) => Tensor.FromLongs(values, values.Length);

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    public void LstmOpGradients(bool reverse, bool batchFirst, bool withLengths)
    {
        int t = 4, b = 3, i = 3, h = 5;
        var x = Gradients.Leaf(batchFirst ? [b, t, i] : [t, b, i], 1);
        var wih = Gradients.Leaf([4 * h, i], 2, -0.6f, 0.6f);
        var whh = Gradients.Leaf([4 * h, h], 3, -0.6f, 0.6f);
        var bih = Gradients.Leaf([4 * h], 4);
        var bhh = Gradients.Leaf([4 * h], 5);
        var h0 = Gradients.Leaf([b, h], 6);
        var c0 = Gradients.Leaf([b, h], 7);
        var lengths = withLengths ? Lengths(2, 4, 1) : null;
        Check(() =>
        {
            var r = F.Lstm(x, wih, whh, bih, bhh, h0, c0, lengths, reverse, batchFirst);
            return Flat(r.Output, r.H, r.C);
        }, x, wih, whh, bih, bhh, h0, c0);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    public void GruOpGradients(bool reverse, bool batchFirst, bool withLengths)
    {
        int t = 4, b = 3, i = 3, h = 5;
        var x = Gradients.Leaf(batchFirst ? [b, t, i] : [t, b, i], 11);
        var wih = Gradients.Leaf([3 * h, i], 12, -0.6f, 0.6f);
        var whh = Gradients.Leaf([3 * h, h], 13, -0.6f, 0.6f);
        var bih = Gradients.Leaf([3 * h], 14);
        var bhh = Gradients.Leaf([3 * h], 15);
        var h0 = Gradients.Leaf([b, h], 16);
        var lengths = withLengths ? Lengths(3, 1, 4) : null;
        Check(() =>
        {
            var r = F.Gru(x, wih, whh, bih, bhh, h0, lengths, reverse, batchFirst);
            return Flat(r.Output, r.H);
        }, x, wih, whh, bih, bhh, h0);
    }

    [Fact]
    public void StackedBidirectionalLstmGradientsWithLengths()
    {
        var lstm = new LSTM(3, 4, numLayers: 2, batchFirst: true, bidirectional: true, rng: new Rng(21));
        var x = Gradients.Leaf([3, 5, 3], 22);
        var h0 = Gradients.Leaf([4, 3, 4], 23);
        var c0 = Gradients.Leaf([4, 3, 4], 24);
        var lengths = Lengths(5, 2, 3);
        var inputs = new List<Tensor> { x, h0, c0 };
        inputs.AddRange(lstm.Parameters());
        Check(() =>
        {
            var (y, hn, cn) = lstm.Forward(x, h0, c0, lengths);
            return Flat(y, hn, cn);
        }, inputs.ToArray());
    }

    [Fact]
    public void StackedBidirectionalGruGradientsWithLengths()
    {
        var gru = new GRU(3, 4, numLayers: 2, bidirectional: true, rng: new Rng(31));
        var x = Gradients.Leaf([5, 3, 3], 32);
        var h0 = Gradients.Leaf([4, 3, 4], 33);
        var lengths = Lengths(1, 5, 3);
        var inputs = new List<Tensor> { x, h0 };
        inputs.AddRange(gru.Parameters());
        Check(() =>
        {
            var (y, hn) = gru.Forward(x, h0, lengths);
            return Flat(y, hn);
        }, inputs.ToArray());
    }

    [Fact]
    public void CellGradients()
    {
        var lstm = new LSTMCell(3, 4, rng: new Rng(41));
        var gru = new GRUCell(3, 4, rng: new Rng(42));
        var x = Gradients.Leaf([2, 3], 43);
        var h = Gradients.Leaf([2, 4], 44);
        var c = Gradients.Leaf([2, 4], 45);
        Check(() =>
        {
            var (h1, c1) = lstm.Forward(x, h, c);
            return Flat(h1, c1, gru.Forward(x, h));
        }, [x, h, c, .. lstm.Parameters(), .. gru.Parameters()]);
    }

    // A packed row is the same computation as that row alone, cut to its length: outputs past it are zero and the
    // final state (forward and reverse) is its own.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LengthsGiveEachRowItsOwnSequence(bool gru)
    {
        int t = 6, b = 3, i = 2, hs = 4;
        var x = Tensor.Randn([t, b, i], new Rng(51));
        long[] lens = [6, 2, 4];
        RecurrentLayers m = gru ? new GRU(i, hs, numLayers: 2, bidirectional: true, rng: new Rng(52))
            : new LSTM(i, hs, numLayers: 2, bidirectional: true, rng: new Rng(52));
        (Tensor Y, Tensor H) Run(Tensor input, Tensor? lengths) => m is GRU g
            ? (g.Forward(input, null, lengths).Output, g.Forward(input, null, lengths).H)
            : (((LSTM)m).Forward(input, null, null, lengths).Output, ((LSTM)m).Forward(input, null, null, lengths).H);
        var (y, hn) = Run(x, Lengths(lens));
        for (int row = 0; row < b; row++)
        {
            int len = (int)lens[row];
            var alone = x.Narrow(1, row, 1).Narrow(0, 0, len);
            var (ya, ha) = Run(alone, null);
            var yRow = y.Narrow(1, row, 1);
            Same(ya, yRow.Narrow(0, 0, len));
            Assert.All(yRow.Narrow(0, len, t - len).ToArray(), v => Assert.Equal(0f, v));
            Same(ha, hn.Narrow(1, row, 1));
        }
    }

    // A batch of one and a batch of several may sum a GEMM's products in another order (the scalar path): within
    // float32 rounding, not bit for bit.
    static void Same(Tensor expected, Tensor actual)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-6f, $"element {i}: expected {e[i]}, got {a[i]}");
    }

    [Fact]
    public void BatchFirstIsTheTransposedLayout()
    {
        var a = new LSTM(3, 5, batchFirst: false, bidirectional: true, rng: new Rng(61));
        var bf = new LSTM(3, 5, batchFirst: true, bidirectional: true, rng: new Rng(61));
        var x = Tensor.Randn([4, 2, 3], new Rng(62));
        var (y, h, c) = a.Forward(x, null, null, Lengths(3, 4));
        var (y2, h2, c2) = bf.Forward(x.Transpose(0, 1), null, null, Lengths(3, 4));
        Same(y.Transpose(0, 1), y2);
        Same(h, h2);
        Same(c, c2);
    }

    [Fact]
    public void UnbatchedInputMatchesABatchOfOne()
    {
        var m = new GRU(3, 4, numLayers: 2, rng: new Rng(71));
        var x = Tensor.Randn([5, 3], new Rng(72));
        var (y, h) = m.Forward(x);
        var (yb, hb) = m.Forward(x.Unsqueeze(1));
        Assert.Equal([5, 4], y.ShapeArray());
        Assert.Equal([2, 4], h.ShapeArray());
        Same(yb, y);
        Same(hb, h);
    }

    [Fact]
    public void SavedModelsLoadAndGiveTheSameOutputs()
    {
        using var temp = new TempFolder();
        var rng = new Rng(81);
        var model = new Sequential(new LSTM(3, 4, numLayers: 2, batchFirst: true, dropout: 0.2f, bidirectional: true, rng: rng),
            new GRU(8, 5, bias: false, batchFirst: true, rng: rng), new Linear(5, 2, rng: rng));
        var cells = new Sequential(new LSTMCell(3, 6, rng: rng), new GRUCell(6, 2, rng: rng));
        Model.Save(model, temp["seq.safetensors"]);
        Model.Save(cells, temp["cells.safetensors"]);
        var loaded = Model.Load<Sequential>(temp["seq.safetensors"]);
        var loadedCells = Model.Load<Sequential>(temp["cells.safetensors"]);
        Assert.Equal(model.ToString(), loaded.ToString());
        Assert.Contains("LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.2, bidirectional=True)", loaded.ToString());
        model.Eval();
        loaded.Eval();
        var x = Tensor.Randn([2, 5, 3], new Rng(82));
        Assert.Equal(model.Forward(x).ToArray(), loaded.Forward(x).ToArray());
        var v = Tensor.Randn([4, 3], new Rng(83));
        Assert.Equal(cells.Forward(v).ToArray(), loadedCells.Forward(v).ToArray());
    }

    [Fact]
    public void ParametersHavePyTorchNamesShapesAndBounds()
    {
        var m = new LSTM(3, 16, numLayers: 2, bidirectional: true, rng: new Rng(91));
        var names = m.NamedParameters().Select(p => $"{p.Name}:{string.Join('x', p.Parameter.ShapeArray())}").ToList();
        Assert.Equal(16, names.Count);
        Assert.Equal("weight_ih_l0:64x3", names[0]);
        Assert.Equal("bias_hh_l0_reverse:64", names[7]);
        Assert.Equal("weight_ih_l1:64x32", names[8]);
        Assert.All(m.Parameters().SelectMany(p => p.ToArray()), v => Assert.InRange(v, -0.25f, 0.25f));
        var again = new LSTM(3, 16, numLayers: 2, bidirectional: true, rng: new Rng(91));
        Assert.Equal(m.Parameters().SelectMany(p => p.ToArray()), again.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void BadShapesNameWhatWasExpected()
    {
        var m = new LSTM(3, 4);
        Assert.Contains("[T, B, 3]", Assert.Throws<ArgumentException>(() => m.Forward(Tensor.Zeros(2, 2, 2, 3))).Message);
        Assert.Contains("[1, 2, 4]", Assert.Throws<ArgumentException>(() => m.Forward(Tensor.Zeros(5, 2, 3), Tensor.Zeros(1, 3, 4))).Message);
        Assert.Contains("outside [0, 5]", Assert.Throws<ArgumentOutOfRangeException>(() => m.Forward(Tensor.Zeros(5, 2, 3), lengths: Lengths(6, 1))).Message);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => m.Forward(Tensor.Zeros(5, 2, 3), lengths: Tensor.Zeros(2))).Message);
    }

    public static TheoryData<SimdLevel, int> PathsAndWidths()
    {
        var data = new TheoryData<SimdLevel, int>();
        foreach (var level in Enum.GetValues<SimdLevel>())
            if (Simd.IsSupported(level))
                foreach (int h in new[] { 1, 7, 8, 16, 37 }) data.Add(level, h);
        return data;
    }

    static float[] Random(int n, ulong seed, float scale = 3f) => Tensor.Rand([n], new Rng(seed), -scale, scale).ToArray();
    static double Sig(double v) => 1 / (1 + Math.Exp(-v));

    static void Close(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * (1 + Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory]
    [MemberData(nameof(PathsAndWidths))]
    public void LstmKernelMatchesDoubleOnEveryPath(SimdLevel level, int h)
    {
        var pre = Random(4 * h, 1);
        var c = Random(h, 2);
        var gates = (float[])pre.Clone();
        var cell = (float[])c.Clone();
        var tanhC = new float[h];
        var hOut = new float[h];
        RecurrentCells.LstmForward(level, h, gates, cell, tanhC, hOut);
        var dh = Random(h, 3, 1f);
        var dc = Random(h, 4, 1f);
        var dcOut = (float[])dc.Clone();
        var dGates = new float[4 * h];
        RecurrentCells.LstmBackward(level, h, gates, c, tanhC, dh, dcOut, dGates);
        for (int j = 0; j < h; j++)
        {
            double i = Sig(pre[j]), f = Sig(pre[h + j]), g = Math.Tanh(pre[2 * h + j]), o = Sig(pre[3 * h + j]);
            double cn = f * c[j] + i * g, tc = Math.Tanh(cn);
            Close(i, gates[j], "i");
            Close(g, gates[2 * h + j], "g");
            Close(cn, cell[j], "c");
            Close(o * tc, hOut[j], "h");
            double dct = dc[j] + dh[j] * o * (1 - tc * tc);
            Close(dct * f, dcOut[j], "dc_prev");
            Close(dct * g * i * (1 - i), dGates[j], "di");
            Close(dct * c[j] * f * (1 - f), dGates[h + j], "df");
            Close(dct * i * (1 - g * g), dGates[2 * h + j], "dg");
            Close(dh[j] * tc * o * (1 - o), dGates[3 * h + j], "do");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndWidths))]
    public void GruKernelMatchesDoubleOnEveryPath(SimdLevel level, int h)
    {
        var px = Random(3 * h, 5);
        var ph = Random(3 * h, 6);
        var hp = Random(h, 7, 1f);
        var gates = (float[])px.Clone();
        var hn = new float[h];
        var hState = (float[])hp.Clone();
        RecurrentCells.GruForward(level, h, gates, ph, hn, hState);
        var dh = Random(h, 8, 1f);
        var dx = new float[3 * h];
        var dhh = new float[3 * h];
        var direct = new float[h];
        RecurrentCells.GruBackward(level, h, gates, hn, hp, dh, dx, dhh, direct);
        for (int j = 0; j < h; j++)
        {
            double r = Sig(px[j] + ph[j]), z = Sig(px[h + j] + ph[h + j]), n = Math.Tanh(px[2 * h + j] + r * ph[2 * h + j]);
            Close((1 - z) * n + z * hp[j], hState[j], "h");
            Close(n, gates[2 * h + j], "n");
            double dn = dh[j] * (1 - z) * (1 - n * n);
            Close(dn, dx[2 * h + j], "dn");
            Close(dh[j] * (hp[j] - n) * z * (1 - z), dx[h + j], "dz");
            Close(dn * ph[2 * h + j] * r * (1 - r), dhh[j], "dr");
            Close(dn * r, dhh[2 * h + j], "dhn");
            Close(dh[j] * z, direct[j], "direct");
        }
    }
}
