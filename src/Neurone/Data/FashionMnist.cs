namespace Neurone.Data;

/// <summary>
/// Fashion-MNIST (Zalando Research): a drop-in replacement for MNIST with 60,000 training and 10,000
/// test 1×28×28 images of ten kinds of clothing, in the same IDX files under the same names.
/// <c>Load()</c> uses <c>~/.cache/neurone/fashion-mnist</c> and downloads from Zalando's mirror with the
/// official raw-content SHA-256 checks; <c>Load(directory)</c> reads a folder as it is.
/// </summary>
public static class FashionMnist
{
    /// <summary>The class names, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    static readonly string[] Names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static DataSource Source { get; } = new("fashion-mnist",
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        [
            new(IdxImageSet.TrainImages + ".gz", "sha256:c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", OfContent: true),
            new(IdxImageSet.TrainLabels + ".gz", "sha256:bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", OfContent: true),
            new(IdxImageSet.TestImages + ".gz", "sha256:5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", OfContent: true),
            new(IdxImageSet.TestLabels + ".gz", "sha256:0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", OfContent: true),
        ],
        "https://github.com/zalandoresearch/fashion-mnist");

    /// <summary>Train and test sets from <paramref name="directory"/>, or from the cache (downloading what is missing) when it is null.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(string? directory = null, Downloader? downloader = null) =>
        IdxImageSet.Load(Source, directory, downloader, Names);
}
