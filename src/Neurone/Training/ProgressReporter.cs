using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Neurone.Training;

/// <summary>
/// Shows training progress as Keras does at its verbosity levels: 0 prints nothing; 1 draws a live
/// bar per epoch (batch i/n, loss, metrics, samples/s, ETA) on an interactive terminal and otherwise one
/// line per epoch; 2 prints one line per epoch. The live bar is Spectre.Console's progress display,
/// refreshed on its own thread, so updating it costs the training loop a field write per batch.
/// </summary>
internal sealed class ProgressReporter
{
    readonly int verbose;
    readonly TextWriter? writer;
    readonly bool live;
    ProgressContext? context;
    ProgressTask? task;
    long epochStart;
    long lastDescription;
    int epochs;

    public ProgressReporter(int verbose, TextWriter? writer)
    {
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "fit: expected verbose 0, 1 or 2.");
        this.verbose = verbose;
        this.writer = writer;
        live = verbose == 1 && writer is null && AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
    }

    /// <summary>Runs the whole training loop, inside a live progress display when there is one.</summary>
    public void Run(int epochCount, Action body)
    {
        epochs = epochCount;
        if (!live)
        {
            body();
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                context = ctx;
                body();
            });
        context = null;
    }

    public void BeginEpoch(int epoch, int batches)
    {
        epochStart = Stopwatch.GetTimestamp();
        lastDescription = 0;
        if (context is not null) task = context.AddTask(Prefix(epoch), maxValue: Math.Max(1, batches));
    }

    public void Batch(int epoch, int batch, int batches, double meanLoss, IReadOnlyList<Metric> metrics, long samples)
    {
        if (task is null) return;
        task.Value = batch;
        long now = Stopwatch.GetTimestamp();
        // Formatting the description is the costly part; a person cannot read faster than 10 updates a second.
        if (batch < batches && now - lastDescription < Stopwatch.Frequency / 10) return;
        lastDescription = now;
        double seconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
        var sb = new StringBuilder(Prefix(epoch)).Append(CultureInfo.InvariantCulture, $" {batch}/{batches} loss {meanLoss:F4}");
        foreach (var m in metrics) sb.Append(CultureInfo.InvariantCulture, $" {m.Name} {m.Result():F4}");
        if (seconds > 0) sb.Append(CultureInfo.InvariantCulture, $" {samples / seconds:F0} samples/s");
        task.Description = Markup.Escape(sb.ToString());
    }

    public void EndEpoch(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (verbose == 0) return;
        double seconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
        string took = seconds >= 0.1 ? seconds.ToString("F2", CultureInfo.InvariantCulture) + "s" : (seconds * 1000).ToString("F0", CultureInfo.InvariantCulture) + "ms";
        var sb = new StringBuilder(Prefix(epoch)).Append(" - ").Append(took);
        foreach (var (key, value) in logs) sb.Append(CultureInfo.InvariantCulture, $" - {key} {Format(value)}");
        if (task is not null)
        {
            // The finished epoch leaves the live area and stays above it as a plain line, as in Keras, so
            // the live display stays one row high however many epochs run.
            task.Value = task.MaxValue;
            task.StopTask();
            task = null;
            AnsiConsole.MarkupLine(Markup.Escape(sb.ToString()));
        }
        else Write(sb.ToString());
    }

    /// <summary>A message that must be seen (a stop reason), at any verbosity above 0.</summary>
    public void Note(string message)
    {
        if (verbose == 0) return;
        if (context is not null) AnsiConsole.MarkupLine(Markup.Escape(message));
        else Write(message);
    }

    string Prefix(int epoch) => $"epoch {epoch}/{epochs}";

    static string Format(double v) => Math.Abs(v) >= 1e-3 || v == 0 ? v.ToString("F4", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);

    void Write(string line)
    {
        var w = writer ?? Console.Out;
        w.WriteLine(line);
        w.Flush();
    }
}
