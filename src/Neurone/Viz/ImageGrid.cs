using System.Globalization;
using Neurone.Data;
using Neurone.Tensors;

namespace Neurone.Viz;

/// <summary>
/// PNG pictures made of small images in a grid: first-layer weights as images (CS231n's "visualize
/// the weights"), misclassified test images captioned with their predicted and true class,
/// originals above their reconstructions, and a class-by-example overview of a data set. Images
/// come as tensors of [n, C, H, W], [n, H, W], or [n, D] with the image size given (or guessed
/// when D is a square or three squares). Each method returns an <see cref="Image"/>; call
/// <see cref="Image.Save"/> to write it.
/// </summary>
public static class ImageGrid
{
    const int Pad = 4;
    static readonly Color Ink = Color.FromHex("#202020");

    /// <summary>
    /// The first-layer weights as one tile per output unit, each stretched to its own min–max.
    /// <paramref name="weight"/> is a <c>Linear</c> weight [out, C·H·W] (give <paramref name="height"/>,
    /// <paramref name="width"/> and <paramref name="channels"/>, or let a square size be guessed) or a
    /// <c>Conv2d</c> weight [out, C, kH, kW]. Three channels draw in colour; other channel counts draw
    /// each channel as its own gray tile, one filter per row.
    /// </summary>
    public static Image Weights(Tensor weight, int height = 0, int width = 0, int channels = 0, int columns = 0, int scale = 3)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var (n, c, h, w) = weight.Rank == 4
            ? (weight.Size(0), weight.Size(1), weight.Size(2), weight.Size(3))
            : weight.Rank == 2 ? ResolveFlat("weights", weight.Size(0), weight.Size(1), channels, height, width)
            : throw new ArgumentException($"weights: expected a Linear weight [out, in] or a Conv2d weight [out, C, kH, kW], got {Shapes.Format(weight.Shape)}.");
        var data = weight.AsReadOnlySpan();
        var cells = new List<Cell>();
        if (c == 1 || c == 3)
        {
            for (int i = 0; i < n; i++) cells.Add(new(data.Slice(i * c * h * w, c * h * w).ToArray(), null));
            return Render(Scale(cells, TileScaling.PerTile), null, c, h, w, columns > 0 ? columns : SquareColumns(n), scale);
        }
        // Channel counts other than gray or RGB have no colour meaning: show every channel of a filter.
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++) cells.Add(new(data.Slice((i * c + ch) * h * w, h * w).ToArray(), null));
        return Render(Scale(cells, TileScaling.PerTile), null, 1, h, w, c, scale);
    }

    /// <summary>
    /// Up to <paramref name="max"/> images whose prediction differs from the truth, each captioned
    /// "predicted 7, true 2" (with class names when given). An image with no mistakes gives a small
    /// picture that says so, so a report never lacks the file.
    /// </summary>
    public static Image Misclassified(Tensor images, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual,
        IReadOnlyList<string>? classNames = null, int max = 32, int columns = 8, int scale = 3,
        int height = 0, int width = 0, int channels = 0, TileScaling scaling = TileScaling.Auto)
    {
        var (n, c, h, w) = Resolve("misclassified", images, channels, height, width);
        if (predicted.Length != n || actual.Length != n)
            throw new ArgumentException($"misclassified: {n} images need {n} predictions and labels, got {predicted.Length} and {actual.Length}.");
        var data = images.AsReadOnlySpan();
        var cells = new List<Cell>();
        for (int i = 0; i < n && cells.Count < max; i++)
            if (predicted[i] != actual[i])
                cells.Add(new(data.Slice(i * c * h * w, c * h * w).ToArray(),
                    $"predicted {Name(classNames, predicted[i])}, true {Name(classNames, actual[i])}"));
        if (cells.Count == 0)
        {
            var empty = new Image(BitmapFont.Measure("no misclassified images").Width + 2 * Pad, BitmapFont.LineHeight + 2 * Pad);
            empty.DrawText(Pad, Pad, "no misclassified images", Ink);
            return empty;
        }
        return Render(Scale(cells, scaling), null, c, h, w, Math.Min(columns, cells.Count), scale);
    }

    /// <summary>The first <paramref name="count"/> originals in one row and their reconstructions beneath.</summary>
    public static Image Reconstructions(Tensor originals, Tensor reconstructions, int count = 10, int scale = 3,
        int height = 0, int width = 0, int channels = 0, TileScaling scaling = TileScaling.Auto)
    {
        ArgumentNullException.ThrowIfNull(reconstructions);
        var (n, c, h, w) = Resolve("reconstructions", originals, channels, height, width);
        if (originals.Count != reconstructions.Count || reconstructions.Size(0) != n)
            throw new ArgumentException($"reconstructions: expected the same shape as the originals {Shapes.Format(originals.Shape)}, got {Shapes.Format(reconstructions.Shape)}.");
        count = Math.Min(count, n);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "reconstructions: expected at least one image.");
        int size = c * h * w;
        var cells = new List<Cell>();
        for (int i = 0; i < count; i++) cells.Add(new(originals.AsReadOnlySpan().Slice(i * size, size).ToArray(), null));
        for (int i = 0; i < count; i++) cells.Add(new(reconstructions.AsReadOnlySpan().Slice(i * size, size).ToArray(), null));
        return Render(Scale(cells, scaling), ["original", "reconstructed"], c, h, w, count, scale);
    }

    /// <summary>
    /// <paramref name="perClass"/> images of each class, picked at random with <paramref name="rng"/>,
    /// one row per class labelled with its name (a class with fewer images shows what it has).
    /// </summary>
    public static Image Overview(Tensor images, ReadOnlySpan<int> labels, IReadOnlyList<string> classNames, Rng rng,
        int perClass = 10, int scale = 2, int height = 0, int width = 0, int channels = 0, TileScaling scaling = TileScaling.Auto)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentNullException.ThrowIfNull(rng);
        var (n, c, h, w) = Resolve("overview", images, channels, height, width);
        if (labels.Length != n) throw new ArgumentException($"overview: {n} images need {n} labels, got {labels.Length}.");
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass), perClass, "overview: expected at least one image per class.");
        var byClass = new List<int>[classNames.Count];
        for (int k = 0; k < byClass.Length; k++) byClass[k] = [];
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Count)
                throw new ArgumentException($"overview: label {i} is {labels[i]}, expected a class in [0, {classNames.Count}).");
            byClass[labels[i]].Add(i);
        }
        int size = c * h * w;
        var data = images.AsReadOnlySpan();
        var cells = new List<Cell>();
        foreach (var members in byClass)
        {
            var picked = members.ToArray();
            // A partial Fisher–Yates shuffle: only the first perClass places need to be random.
            for (int i = 0; i < Math.Min(perClass, picked.Length); i++)
            {
                int j = i + rng.NextInt(picked.Length - i);
                (picked[i], picked[j]) = (picked[j], picked[i]);
            }
            for (int i = 0; i < perClass; i++)
                cells.Add(new(i < picked.Length ? data.Slice(picked[i] * size, size).ToArray() : null, null));
        }
        return Render(Scale(cells, scaling), classNames, c, h, w, perClass, scale);
    }

    /// <summary>The overview of an <see cref="ImageDataset"/>, with its class names.</summary>
    public static Image Overview(ImageDataset data, Rng rng, int perClass = 10, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(data);
        var shape = data.SampleShape;
        var values = new float[data.Pixels.Length];
        for (int i = 0; i < values.Length; i++) values[i] = data.Pixels[i] / 255f;
        var labels = new int[data.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = data.Labels[i];
        var images = Tensor.FromArray(values, data.Count, shape[0], shape[1], shape[2]);
        return Overview(images, labels, data.ClassNames, rng, perClass, scale, scaling: TileScaling.Clamp);
    }

    /// <summary>
    /// The first <paramref name="count"/> images captioned with their prediction ("7" when right,
    /// "7, true 2" when wrong) and framed green when right, red when wrong: the sample predictions
    /// of a report.
    /// </summary>
    public static Image Predictions(Tensor images, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual,
        IReadOnlyList<string>? classNames = null, int count = 24, int columns = 8, int scale = 3,
        int height = 0, int width = 0, int channels = 0, TileScaling scaling = TileScaling.Auto)
    {
        var (n, c, h, w) = Resolve("predictions", images, channels, height, width);
        if (predicted.Length != n || actual.Length != n)
            throw new ArgumentException($"predictions: {n} images need {n} predictions and labels, got {predicted.Length} and {actual.Length}.");
        count = Math.Min(count, n);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "predictions: expected at least one image.");
        var data = images.AsReadOnlySpan();
        var cells = new List<Cell>();
        for (int i = 0; i < count; i++)
        {
            bool right = predicted[i] == actual[i];
            string caption = right ? Name(classNames, predicted[i]) : $"{Name(classNames, predicted[i])}, true {Name(classNames, actual[i])}";
            cells.Add(new(data.Slice(i * c * h * w, c * h * w).ToArray(), caption, right ? Right : Wrong));
        }
        return Render(Scale(cells, scaling), null, c, h, w, Math.Min(columns, count), scale);
    }

    static readonly Color Right = Color.FromHex("#2e9a4a"), Wrong = Color.FromHex("#c9302c");

    sealed record Cell(float[]? Values, string? Caption, Color? Border = null);

    static string Name(IReadOnlyList<string>? names, int c) =>
        names is not null && (uint)c < (uint)names.Count ? names[c] : c.ToString(CultureInfo.InvariantCulture);

    static int SquareColumns(int n) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(n)));

    static (int N, int C, int H, int W) Resolve(string what, Tensor images, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        return images.Rank switch
        {
            4 => (images.Size(0), images.Size(1), images.Size(2), images.Size(3)),
            3 => (images.Size(0), 1, images.Size(1), images.Size(2)),
            2 => ResolveFlat(what, images.Size(0), images.Size(1), channels, height, width),
            _ => throw new ArgumentException($"{what}: expected images [n, C, H, W], [n, H, W] or [n, D], got {Shapes.Format(images.Shape)}."),
        };
    }

    static (int N, int C, int H, int W) ResolveFlat(string what, int n, int d, int channels, int height, int width)
    {
        if (height > 0 && width > 0)
        {
            int c = channels > 0 ? channels : d / (height * width);
            if (c * height * width != d)
                throw new ArgumentException($"{what}: rows of {d} values do not make {(channels > 0 ? channels : "whole")} channel(s) of {height}x{width}.");
            return (n, c, height, width);
        }
        foreach (int c in channels > 0 ? [channels] : new[] { 1, 3 })
        {
            int side = (int)Math.Round(Math.Sqrt(d / (double)c));
            if (side * side * c == d) return (n, c, side, side);
        }
        throw new ArgumentException($"{what}: rows of {d} values are not a square image; give height and width.");
    }

    static List<Cell> Scale(List<Cell> cells, TileScaling scaling)
    {
        if (scaling == TileScaling.Clamp) return cells;
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        foreach (var cell in cells)
            if (cell.Values is not null)
                foreach (float v in cell.Values)
                    if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (scaling == TileScaling.Auto && lo >= 0 && hi <= 1) return cells;
        foreach (var cell in cells)
        {
            if (cell.Values is null) continue;
            if (scaling == TileScaling.PerTile)
            {
                lo = float.PositiveInfinity; hi = float.NegativeInfinity;
                foreach (float v in cell.Values)
                    if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            }
            // A constant tile has no pattern to stretch: show it as mid-gray rather than divide by zero.
            float range = hi - lo;
            for (int i = 0; i < cell.Values.Length; i++)
                cell.Values[i] = range > 0 ? (cell.Values[i] - lo) / range : 0.5f;
        }
        return cells;
    }

    static Image Render(List<Cell> cells, IReadOnlyList<string>? rowLabels, int c, int h, int w, int columns, int scale)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "image grid: expected a scale >= 1.");
        int tileW = w * scale, tileH = h * scale;
        // Captions may be wider than a small tile: wrap them to about the tile's width (at least 24 characters).
        int maxChars = Math.Max(24, tileW / BitmapFont.Advance);
        var captions = cells.Select(cell => cell.Caption is null ? null : BitmapFont.Wrap(cell.Caption, maxChars)).ToArray();
        int cellW = tileW, captionH = 0;
        foreach (var cap in captions)
            if (cap is not null)
            {
                var (cw, ch) = BitmapFont.Measure(cap);
                cellW = Math.Max(cellW, cw);
                captionH = Math.Max(captionH, ch + 3);
            }
        int rows = (cells.Count + columns - 1) / columns;
        int labelW = rowLabels is null ? 0 : rowLabels.Max(l => BitmapFont.Measure(l).Width) + Pad * 2;
        // Captions of neighbouring cells would run together with the tiles' small gap.
        int gap = captionH > 0 ? 3 * Pad : Pad;
        int width = labelW + Pad + columns * (cellW + gap) - gap + Pad;
        int height = Pad + rows * (tileH + captionH + Pad);
        var image = new Image(width, height);
        for (int r = 0; r < rows; r++)
        {
            int top = Pad + r * (tileH + captionH + Pad);
            if (rowLabels is not null && r < rowLabels.Count)
                image.DrawText(Pad, top + (tileH - BitmapFont.GlyphHeight) / 2, rowLabels[r], Ink);
            for (int col = 0; col < columns; col++)
            {
                int i = r * columns + col;
                if (i >= cells.Count) break;
                int left = labelW + Pad + col * (cellW + gap);
                if (cells[i].Border is { } border)
                    image.FillRect(left + (cellW - tileW) / 2 - 2, top - 2, tileW + 4, tileH + 4, border);
                if (cells[i].Values is { } values) image.DrawTile(left + (cellW - tileW) / 2, top, values, c, h, w, scale);
                if (captions[i] is { } cap)
                {
                    int capW = BitmapFont.Measure(cap).Width;
                    image.DrawText(left + (cellW - capW) / 2, top + tileH + 3, cap, Ink);
                }
            }
        }
        return image;
    }
}
