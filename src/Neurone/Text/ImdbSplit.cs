using Neurone.Tensors;

namespace Neurone.Text;

/// <summary>
/// One split (train or test) of the IMDB reviews as loaded by <see cref="Imdb"/>: the raw texts, their labels
/// (0 negative, 1 positive: the class folders "neg" and "pos" in alphabetical order, as Keras'
/// <c>text_dataset_from_directory</c> numbers them), the star ratings from the file names (1–10), the review
/// ids, and where each review came from. Reviews are ordered negatives first, then positives, each by id;
/// shuffle before training.
/// </summary>
public sealed class ImdbSplit
{
    /// <summary>A split from parallel arrays (one entry per review), e.g. reviews generated for a test.</summary>
    public ImdbSplit(string[] texts, long[] labels, int[] ratings, int[] ids, string[] sources)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(ratings);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(sources);
        if (labels.Length != texts.Length || ratings.Length != texts.Length || ids.Length != texts.Length || sources.Length != texts.Length)
            throw new ArgumentException($"imdb split: expected one label, rating, id and source per text ({texts.Length}), got {labels.Length}, {ratings.Length}, {ids.Length}, {sources.Length}.");
        Texts = texts;
        this.labels = labels;
        Ratings = ratings;
        Ids = ids;
        Sources = sources;
    }

    readonly long[] labels;

    /// <summary>The reviews' texts, exactly as in the files (HTML line breaks included).</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The labels, 0 (neg) or 1 (pos).</summary>
    public IReadOnlyList<long> Labels => labels;

    /// <summary>The star ratings (1–4 for negative reviews, 7–10 for positive ones in the official data).</summary>
    public IReadOnlyList<int> Ratings { get; }

    /// <summary>The review ids (the number before the underscore in the file name; unique within a class folder).</summary>
    public IReadOnlyList<int> Ids { get; }

    /// <summary>Where each review was read from: a file path, or "archive:entry".</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>The number of reviews.</summary>
    public int Count => labels.Length;

    /// <summary>The labels as an Int64 tensor [N].</summary>
    public Tensor LabelTensor() => Tensor.FromLongs((long[])labels.Clone(), labels.Length);
}
