namespace Neurone.Data;

/// <summary>
/// MNIST handwritten digits (LeCun, Cortes and Burges): 60,000 training and 10,000 test images of
/// 1×28×28 bytes with labels 0–9, read from the four IDX files (gzipped or raw). <c>Load()</c> uses the
/// cache folder (<c>~/.cache/neurone/mnist</c>, see <see cref="DataCache"/>) and downloads missing files,
/// checking the SHA-256 of their decompressed content against the official raw-file checksums;
/// <c>Load(directory)</c> reads a folder as it is and never downloads.
/// </summary>
public static class Mnist
{
    static readonly string[] Names = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>Mirrors and checksums: the PyTorch-hosted copy first, since LeCun's site often refuses downloads.</summary>
    public static DataSource Source { get; } = new("mnist",
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        [
            new(IdxImageSet.TrainImages + ".gz", "sha256:ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", OfContent: true),
            new(IdxImageSet.TrainLabels + ".gz", "sha256:65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", OfContent: true),
            new(IdxImageSet.TestImages + ".gz", "sha256:0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", OfContent: true),
            new(IdxImageSet.TestLabels + ".gz", "sha256:ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", OfContent: true),
        ],
        "http://yann.lecun.com/exdb/mnist/");

    /// <summary>Train and test sets from <paramref name="directory"/>, or from the cache (downloading what is missing) when it is null.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string? directory = null, Downloader? downloader = null) =>
        IdxImageSet.Load(Source, directory, downloader, Names);

    /// <summary>One split from an images file and a labels file of any name.</summary>
    public static ImageDataset Read(string imagesPath, string labelsPath) => IdxImageSet.Read(imagesPath, labelsPath, Names);
}
