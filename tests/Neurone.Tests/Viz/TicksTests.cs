using Neurone.Viz;

namespace Neurone.Tests.Viz;

public sealed class TicksTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.1, 0.3)]
    [InlineData(-3.7, 12.2)]
    [InlineData(1e-9, 3e-9)]
    [InlineData(1_000_000, 1_000_001)]
    [InlineData(-0.0001, 0.0001)]
    [InlineData(0.97, 0.985)]
    [InlineData(12.2, -3.7)]
    [InlineData(-1e12, 7e12)]
    [InlineData(0.6712, 1)]
    public void Ticks_cover_the_range_with_a_nice_step_and_distinct_labels(double min, double max)
    {
        var ticks = Ticks.Nice(min, max);
        Assert.InRange(ticks.Length, 3, 12);
        Assert.True(ticks[0] <= Math.Min(min, max) && ticks[^1] >= Math.Max(min, max), $"[{ticks[0]}, {ticks[^1]}] covers [{min}, {max}]");
        double step = ticks[1] - ticks[0];
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step) + 1e-9));
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
        for (int i = 1; i < ticks.Length; i++) Assert.Equal(step, ticks[i] - ticks[i - 1], step * 1e-6);
        var labels = Ticks.Labels(ticks);
        Assert.Equal(labels.Length, labels.Distinct().Count());
        Assert.All(labels, l => Assert.True(l.Length <= 10, $"label '{l}' is short"));
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(0, 0)]
    [InlineData(-2.5, -2.5)]
    public void A_single_value_gets_a_range_around_it(double min, double max)
    {
        var ticks = Ticks.Nice(min, max);
        Assert.True(ticks[0] < min && ticks[^1] > max);
    }

    [Fact]
    public void Labels_have_just_enough_decimals_and_no_float_noise()
    {
        Assert.Equal(["0.10", "0.15", "0.20", "0.25", "0.30"], Ticks.Labels(Ticks.Nice(0.1, 0.3, 5)));
        Assert.Equal(["0", "5", "10", "15", "20", "25"], Ticks.Labels(Ticks.Nice(1, 25, 6)));
        Assert.Equal(["-5", "0", "5", "10", "15"], Ticks.Labels(Ticks.Nice(-3.7, 12.2, 5)));
        Assert.Equal("2e-9", Ticks.Format(2e-9, 1e-9));
        Assert.Equal("3e12", Ticks.Format(3e12, 1e12));
        Assert.Equal("1000000.2", Ticks.Format(1_000_000.2, 0.2));
    }

    [Fact]
    public void Log_ticks_are_powers_of_ten()
    {
        Assert.Equal([1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], Ticks.Log(3e-5, 0.2));
        Assert.Equal(["1e-5", "0.001", "1", "1000", "1e6"], new[] { 1e-5, 1e-3, 1, 1e3, 1e6 }.Select(Ticks.FormatLog));
    }

    [Fact]
    public void Non_finite_ranges_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Ticks.Nice(double.NaN, 1));
        Assert.Throws<ArgumentException>(() => Ticks.Nice(0, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => Ticks.Log(0, 1));
    }
}
