using System.Text.Json;

namespace Neurone.Tests.Parity;

/// <summary>
/// One case of Fixtures/parity_reference.json (written by tests/reference/make_parity_reference.py): the inputs of
/// a small op graph, its steps, and PyTorch's float64 output and input gradients for the loss sum(output · cotangent).
/// </summary>
internal sealed record ParityCase(string Name, IReadOnlyList<ParityInput> Inputs, IReadOnlyList<ParityStep> Steps,
    string Output, int[] OutputShape, double[] OutputData, double[] Cotangent, IReadOnlyDictionary<string, double[]> Grads)
{
    static readonly Lazy<IReadOnlyDictionary<string, ParityCase>> All = new(Load);

    public static ParityCase Named(string name) => All.Value[name];

    public static IEnumerable<ParityCase> AllCases => All.Value.Values;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Value.Keys) data.Add(name);
        return data;
    }

    /// <summary>The ops the script draws from; the suite checks each is exercised.</summary>
    public static IReadOnlyList<string> Catalogue
    {
        get
        {
            _ = All.Value;
            return catalogue;
        }
    }

    static IReadOnlyList<string> catalogue = [];

    static IReadOnlyDictionary<string, ParityCase> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "parity_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        catalogue = root.GetProperty("ops").EnumerateArray().Select(o => o.GetString()!).ToArray();
        var cases = new Dictionary<string, ParityCase>();
        foreach (var c in root.GetProperty("cases").EnumerateArray())
        {
            var parsed = new ParityCase(
                c.GetProperty("name").GetString()!,
                c.GetProperty("inputs").EnumerateArray().Select(i => new ParityInput(
                    i.GetProperty("name").GetString()!, i.GetProperty("dtype").GetString()!, i.GetProperty("requires_grad").GetBoolean(), Ints(i.GetProperty("shape")),
                    Doubles(i.GetProperty("data")))).ToArray(),
                c.GetProperty("steps").EnumerateArray().Select(s => new ParityStep(
                    s.GetProperty("out").GetString()!, s.GetProperty("op").GetString()!,
                    s.GetProperty("args").EnumerateArray().Select(a => a.GetString()!).ToArray(),
                    s.GetProperty("attrs").Clone())).ToArray(),
                c.GetProperty("output").GetString()!,
                Ints(c.GetProperty("output_shape")),
                Doubles(c.GetProperty("output_data")),
                Doubles(c.GetProperty("cotangent")),
                c.GetProperty("grads").EnumerateObject().ToDictionary(p => p.Name, p => Doubles(p.Value)));
            cases.Add(parsed.Name, parsed);
        }
        return cases;
    }

    static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.True ? 1.0
        : v.ValueKind == JsonValueKind.False ? 0.0 : v.GetDouble()).ToArray();
}

/// <summary>An input of a parity case: float inputs are differentiated, integer and boolean ones are indices and masks.</summary>
internal sealed record ParityInput(string Name, string DType, bool RequiresGrad, int[] Shape, double[] Data);

/// <summary>One step: <c>Out = Op(Args…)</c> with the op's attributes (dims, shapes, scalars) as PyTorch named them.</summary>
internal sealed record ParityStep(string Out, string Op, string[] Args, JsonElement Attrs)
{
    public int Int(string name) => Attrs.GetProperty(name).GetInt32();
    public float Float(string name) => (float)Attrs.GetProperty(name).GetDouble();
    public bool Bool(string name) => Attrs.GetProperty(name).GetBoolean();
    public int[] Ints(string name) => Attrs.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
}
