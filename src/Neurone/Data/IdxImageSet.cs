namespace Neurone.Data;

/// <summary>
/// What MNIST and Fashion-MNIST share: four IDX files (train/test images and labels, gzipped or raw,
/// under LeCun's names) read into byte <see cref="ImageDataset"/>s of 1×28×28 images, with the counts of
/// images and labels cross-checked and every label checked against the class range.
/// </summary>
internal static class IdxImageSet
{
    public const string TrainImages = "train-images-idx3-ubyte", TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte", TestLabels = "t10k-labels-idx1-ubyte";

    public static (ImageDataset Train, ImageDataset Test) Load(DataSource source, string? directory, Downloader? downloader, string[] classNames)
    {
        string dir = directory ?? DataCache.DirectoryFor(source.Name);
        if (directory is null) (downloader ?? Downloader.Default).EnsureFiles(source, dir);
        else if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{source.Name}: folder {dir} does not exist; expected it to hold {string.Join(", ", source.Files.Select(f => f.Name))} (or their uncompressed forms).");
        return (Read(dir, TrainImages, TrainLabels, classNames, source.Name), Read(dir, TestImages, TestLabels, classNames, source.Name));
    }

    public static ImageDataset Read(string dir, string imagesStem, string labelsStem, string[] classNames, string name)
    {
        string images = Locate(dir, imagesStem, name), labels = Locate(dir, labelsStem, name);
        return Read(images, labels, classNames);
    }

    /// <summary>Reads one images file and its labels file into a data set.</summary>
    public static ImageDataset Read(string imagesPath, string labelsPath, string[] classNames)
    {
        var (dims, pixels) = Idx.Read(imagesPath, 3);
        var (ldims, labels) = Idx.Read(labelsPath, 1);
        if (dims[0] != ldims[0])
            throw new InvalidDataException($"{imagesPath} holds {dims[0]} images but {labelsPath} holds {ldims[0]} labels; expected equal counts.");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= classNames.Length)
                throw DataFiles.Bad(labelsPath, $"label {i} (byte offset {8 + i}) is {labels[i]}, expected a class in [0, {classNames.Length}).");
        return new ImageDataset(pixels, labels, 1, dims[1], dims[2], classNames);
    }

    static string Locate(string dir, string stem, string name)
    {
        // LeCun's names, gzipped or not, and the dotted form ("train-images.idx3-ubyte") some unpackers produce.
        int dash = stem.LastIndexOf("-idx", StringComparison.Ordinal);
        string dotted = stem[..dash] + "." + stem[(dash + 1)..];
        return DataFiles.Find(dir, stem + ".gz", stem, dotted, dotted + ".gz")
            ?? throw new FileNotFoundException($"{name}: expected {stem}.gz (or {stem}) in {dir}, found neither.", Path.Combine(dir, stem + ".gz"));
    }
}
