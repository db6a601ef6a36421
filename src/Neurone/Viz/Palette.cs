namespace Neurone.Viz;

/// <summary>
/// The colours every picture shares, so a class has the same colour in a scatter plot, a decision
/// region map and a legend: ten categorical hues chosen to stay apart for common colour-vision
/// deficiencies as far as ten hues can, a pale tint of each for filled regions, and a white-to-blue
/// ramp for heat maps.
/// </summary>
public static class Palette
{
    static readonly Color[] Categorical =
    [
        Color.FromHex("#2f6db3"), Color.FromHex("#e07b24"), Color.FromHex("#2e9a4a"), Color.FromHex("#c9302c"),
        Color.FromHex("#7952b3"), Color.FromHex("#8c5a2b"), Color.FromHex("#d6559b"), Color.FromHex("#5f6b77"),
        Color.FromHex("#a8a81c"), Color.FromHex("#1aa3b8"),
    ];

    static readonly Color HeatLow = Color.FromHex("#f7fbff");
    static readonly Color HeatHigh = Color.FromHex("#123f7a");

    /// <summary>The colour of class (or series) <paramref name="index"/>; after ten the hues repeat, darkened so neighbours still differ.</summary>
    public static Color Class(int index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index), index, "palette: expected a class index >= 0.");
        var c = Categorical[index % Categorical.Length];
        int round = index / Categorical.Length;
        return round == 0 ? c : c.Mix(Color.Black, Math.Min(0.6, 0.3 * round));
    }

    /// <summary>A light tint of <see cref="Class"/>, for region fills that points must stand out on.</summary>
    public static Color Tint(int index) => Class(index).Mix(Color.White, 0.68);

    /// <summary>The heat-map colour of <paramref name="t"/> in [0, 1]: near white at 0, dark blue at 1.</summary>
    public static Color Heat(double t) => HeatLow.Mix(HeatHigh, double.IsFinite(t) ? t : 0);
}
