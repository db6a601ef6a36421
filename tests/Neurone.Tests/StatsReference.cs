using System.Text.Json;

namespace Neurone.Tests;

/// <summary>
/// Reads Fixtures/stats_reference.json, PyTorch's float64 values for Pow, Var, Std and BatchNorm written by
/// tests/reference/make_stats_reference.py, and compares float32 results with them.
/// </summary>
internal static class StatsReference
{
    static readonly JsonElement Root = Load();

    static JsonElement Load()
    {
        return Fixture.Load("stats_reference.json");
    }

    /// <summary>The cases of one section ("pow", "var", "batchnorm").</summary>
    public static IEnumerable<JsonElement> Cases(string section) => Root.GetProperty(section).EnumerateArray();

    public static JsonElement Case(string section, string name) =>
        Cases(section).First(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(section)) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    /// <summary>An array of numbers, where infinities and NaN travel as the strings "inf", "-inf" and "nan".</summary>
    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
        ? v.GetString() switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" => double.NaN,
            var s => throw new FormatException($"stats_reference.json: expected a number, inf, -inf or nan, got '{s}'."),
        }
        : v.GetDouble()).ToArray();

    public static float[] Floats(JsonElement e) => Doubles(e).Select(v => (float)v).ToArray();

    public static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>
    /// Each element within <paramref name="rtol"/> of PyTorch's double, relative to the larger of its own size and
    /// <paramref name="floor"/> (for elements that cancel to near 0 where their neighbours do not); infinities
    /// and NaN must match exactly, and an exact 0 (with no floor) must come out 0.
    /// </summary>
    public static void AssertClose(double[] expected, float[] actual, double rtol, string what, double floor = 0)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}.");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? e == a
                : Math.Abs(a - e) <= rtol * Math.Max(Math.Abs(e), floor);
            Assert.True(ok, $"{what}[{i}]: PyTorch (float64) {e:R}, Neurone {a:R}, relative error {Math.Abs(a - e) / Math.Max(Math.Abs(e), floor):E2}.");
        }
    }
}
