using Neurone.Serialization;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Serialization;

public sealed class AtomicFileTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void AWriterThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile()
    {
        string path = temp.File("data.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            s.Flush();
            throw new InvalidOperationException("disk on fire");
        }));
        Assert.Equal("disk on fire", e.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void ASafeTensorsSaveThatFailsLeavesThePreviousFileReadable()
    {
        string path = temp.File("model.safetensors");
        SafeTensors.Save(path, [new("w", Tensor.FromArray([1f, 2f]))]);
        Assert.Throws<IOException>(() => SafeTensors.Save(path, Throwing()));
        Assert.Equal([1f, 2f], SafeTensors.Load(path)["w"].ToArray());
        Assert.Single(Directory.GetFiles(temp.Path));

        static IEnumerable<KeyValuePair<string, Tensor>> Throwing()
        {
            yield return new("w", Tensor.FromArray([3f, 4f]));
            throw new IOException("the producer died");
        }
    }

    [Fact]
    public void ASuccessfulWriteReplacesTheFile()
    {
        string path = temp.File("data.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        AtomicFile.WriteAllBytes(path, [9]);
        Assert.Equal([9], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void AMissingFolderIsNamed() =>
        Assert.Contains("does not exist", Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllBytes(temp.File("no/such/file"), [1])).Message);
}
