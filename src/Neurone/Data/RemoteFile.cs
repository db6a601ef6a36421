namespace Neurone.Data;

/// <summary>
/// One file of a downloadable data set: its name on the mirror and in the cache, and the checksum the
/// downloaded bytes must match before they are kept. <see cref="Checksum"/> is "sha256:hex" or, where
/// the data set's publisher gives only MD5 (CIFAR-10, LIBSVM's USPS training file), "md5:hex". With
/// <see cref="OfContent"/>, the checksum is of the decompressed content (.gz, .bz2): the official raw
/// checksums of MNIST and Fashion-MNIST are published that way, and they hold for any faithful
/// recompression of the same data.
/// </summary>
public sealed record RemoteFile(string Name, string Checksum, bool OfContent = false);
