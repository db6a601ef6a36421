using System.Text.Json;

namespace Neurone.Tests;

/// <summary>The reference files under Fixtures/ (each written by a script in tests/reference/), read once per caller.</summary>
internal static class Fixture
{
    /// <summary>The root of the JSON file <paramref name="name"/> in the test output's Fixtures folder, detached from its document.</summary>
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }
}
