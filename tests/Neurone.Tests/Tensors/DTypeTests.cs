using System.Buffers.Binary;
using System.Text;
using Neurone.Serialization;
using Neurone.Tensors;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Tensors;

/// <summary>Int64 and bool tensors: creation, element access, conversion, views, printing, saving.</summary>
public class DTypeTests
{
    [Fact]
    public void CreationGivesTheAskedDType()
    {
        Assert.Equal(DType.Float32, Tensor.Zeros(2, 3).DType);
        Assert.Equal(DType.Float32, Tensor.FromArray([1, 2]).DType); // int literals in FromArray stay floats
        var l = Tensor.FromLongs([1, -2, 3, 4], 2, 2);
        Assert.Equal(DType.Int64, l.DType);
        Assert.Equal([2, 2], l.ShapeArray());
        Assert.Equal(-2, l.LongAt(0, 1));
        Assert.Equal(DType.Int64, Tensor.FromInts([7, 8]).DType);
        Assert.Equal([7L, 8L], Tensor.FromInts([7, 8]).ToLongArray());
        var b = Tensor.FromBools([true, false, true]);
        Assert.Equal(DType.Bool, b.DType);
        Assert.False(b.BoolAt(1));
        Assert.Equal([0L, 0L, 0L], Tensor.Zeros([3], DType.Int64).ToLongArray());
        Assert.Equal([false, false], Tensor.Zeros([2], DType.Bool).ToBoolArray());
        Assert.Equal([50_000_001L, 50_000_001L], Tensor.Full([2], 50_000_001, DType.Int64).ToLongArray());
        Assert.Equal([true], Tensor.Full([1], 2.5, DType.Bool).ToBoolArray());
        Assert.Equal([2.5f], Tensor.Full([1], 2.5, DType.Float32).ToArray());
        Assert.Equal([0L, 1L, 2L, 3L], Tensor.Arange(4, DType.Int64).ToLongArray());
        Assert.Equal([10L, 7L, 4L], Tensor.Arange(10, 2, -3, DType.Int64).ToLongArray());
        Assert.Equal([1f, 3f], Tensor.Arange(1, 5, 2, DType.Float32).ToArray());
        Assert.Empty(Tensor.Arange(3, 3, 1, DType.Int64).ToLongArray());
        Assert.Throws<ArgumentException>(() => Tensor.FromLongs([1, 2, 3], 2, 2));
        Assert.Throws<ArgumentException>(() => Tensor.Arange(5, DType.Bool));
    }

    [Fact]
    public void FloatAccessOnIntegerTensorsNamesTheDType()
    {
        var l = Tensor.FromLongs([1, 2]);
        var e = Assert.Throws<InvalidOperationException>(() => l.AsSpan());
        Assert.Contains("Int64", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Contains("Bool", Assert.Throws<InvalidOperationException>(() => Tensor.FromBools([true]).AsReadOnlySpan()).Message);
        Assert.Contains("Int64", Assert.Throws<InvalidOperationException>(() => _ = l[0]).Message);
        Assert.Contains("LongItem", Assert.Throws<InvalidOperationException>(() => Tensor.FromLongs([3]).Item()).Message);
        Assert.Equal(3L, Tensor.FromLongs([3]).LongItem());
        Assert.Equal(1f, Tensor.FromBools([true]).Item());
        Assert.Contains("Float32", Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).AsLongSpan()).Message);
        Assert.Contains("Int64", Assert.Throws<InvalidOperationException>(() => l.AsBoolSpan()).Message);
    }

    [Fact]
    public void IntegerAndBoolTensorsNeverRequireGrad()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.FromLongs([1]).RequiresGrad = true);
        Assert.Contains("Int64", e.Message);
        Assert.Throws<InvalidOperationException>(() => Tensor.FromBools([true]).RequiresGrad = true);
        Assert.Contains("Int64", Assert.Throws<InvalidOperationException>(() => new Neurone.Nn.Parameter(Tensor.FromLongs([1, 2]))).Message);
        var x = Gradients.Leaf([3], 1);
        Assert.False(x.Long().RequiresGrad);
        Assert.False(x.Gt(0).RequiresGrad);
    }

    [Fact]
    public void ConversionsFollowPyTorch()
    {
        var x = Tensor.FromArray([-2.7f, -0.5f, 0f, 0.5f, 3.9f]);
        Assert.Equal([-2L, 0L, 0L, 0L, 3L], x.Long().ToLongArray()); // truncation toward zero
        Assert.Equal([true, true, false, true, true], x.Bool().ToBoolArray());
        Assert.Equal([1f, 0f], Tensor.FromBools([true, false]).Float().ToArray());
        Assert.Equal([1L, 0L], Tensor.FromBools([true, false]).Long().ToLongArray());
        Assert.Equal([false, true], Tensor.FromLongs([0, -5]).Bool().ToBoolArray());
        Assert.Equal([-5f, 16_777_216f], Tensor.FromLongs([-5, 16_777_217]).Float().ToArray());
        Assert.Same(x, x.To(DType.Float32));
        var nan = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, float.NaN]).Long());
        Assert.Contains("element 1", nan.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FromArray([1e20f]).Long());
        // Float32 to Float32 keeps the graph; to Int64 leaves it.
        var leaf = Gradients.Leaf([2], 2);
        Assert.Same(leaf, leaf.Float());
    }

    [Fact]
    public void LabelsAbove2To24RoundTripExactly()
    {
        // 50,000,001 has no float32 form (it reads as 50,000,000); an Int64 label keeps it through every step.
        const long Big = 50_000_001;
        Assert.NotEqual(Big, (long)(float)Big);
        var y = Tensor.FromLongs([Big, 3, Big - 1]);
        Assert.Equal(Big, y.Reshape(3, 1).LongAt(0, 0));
        Assert.Equal([Big - 1, Big], y.IndexSelect(0, Tensor.FromLongs([2, 0])).ToLongArray());
        Assert.Equal([Big], y.GatherRows([0]).ToLongArray());
        Assert.Equal([true, false, false], y.Eq(Big).ToBoolArray());
        using var temp = new TempFolder();
        SafeTensors.Save(temp["labels.safetensors"], [new("y", y)]);
        Assert.Equal([Big, 3, Big - 1], SafeTensors.Load(temp["labels.safetensors"])["y"].ToLongArray());
        var ds = new Neurone.Data.TensorDataset(Tensor.Zeros(3, 1), y, classes: (int)Big + 1);
        var (_, batch) = ds.GetBatch([2, 0]);
        Assert.Equal([Big - 1, Big], batch.ToLongArray());
    }

    [Fact]
    public void ViewsClonesAndCopiesKeepTheDType()
    {
        var l = Tensor.FromLongs([1, 2, 3, 4, 5, 6], 2, 3);
        var row = l.Row(1);
        Assert.Equal(DType.Int64, row.DType);
        Assert.Equal([4L, 5L, 6L], row.ToLongArray());
        Assert.True(row.SharesStorageWith(l));
        var flat = l.Reshape(6);
        flat.AsLongSpan()[0] = 9;
        Assert.Equal(9, l.LongAt(0, 0)); // a view writes through
        Assert.Equal([2L, 3L], l.Flatten().Slice(1, 2).ToLongArray());
        Assert.Equal([1, 2, 3], l.Unsqueeze(0).ShapeArray());
        var c = l.Clone();
        Assert.False(c.SharesStorageWith(l));
        Assert.True(Tensor.Equal(c, l));
        var target = Tensor.Zeros([2, 3], DType.Int64);
        target.CopyFrom(l);
        Assert.True(Tensor.Equal(target, l));
        var e = Assert.Throws<ArgumentException>(() => target.CopyFrom(Tensor.Zeros(2, 3)));
        Assert.Contains("Float32", e.Message);
        var detached = Tensor.FromBools([true, false]).Detach();
        Assert.Equal(DType.Bool, detached.DType);
        Assert.False(Tensor.Equal(Tensor.FromLongs([1]), Tensor.FromArray([1f])));
        Assert.False(Tensor.Equal(Tensor.FromArray([float.NaN]), Tensor.FromArray([float.NaN])));
        Assert.True(Tensor.Equal(Tensor.FromBools([true]), Tensor.FromBools([true])));
        Assert.Equal([1, 2, 3], Tensor.FromLongs([1, 2, 3]).ToIntArray());
        Assert.Throws<OverflowException>(() => Tensor.FromLongs([1L << 40]).ToIntArray());
    }

    [Fact]
    public void PrintingShowsIntegersBoolsAndTheDType()
    {
        Assert.Equal("tensor([ 1, -2], shape=[2], dtype=Int64)", Tensor.FromLongs([1, -2]).ToString());
        Assert.Equal("tensor([ True, False], shape=[2], dtype=Bool)", Tensor.FromBools([true, false]).ToString());
        Assert.DoesNotContain("dtype", Tensor.FromArray([1f]).ToString());
    }

    [Fact]
    public void SafeTensorsSavesAndLoadsI64AndBool()
    {
        using var temp = new TempFolder();
        var tensors = new List<KeyValuePair<string, Tensor>>
        {
            new("w", Tensor.FromArray([1.5f, -2f], 2)),
            new("ids", Tensor.FromLongs([long.MinValue, -1, 0, long.MaxValue], 2, 2)),
            new("mask", Tensor.FromBools([true, false, true])),
            new("none", Tensor.Zeros([0], DType.Int64)),
        };
        SafeTensors.Save(temp["m.safetensors"], tensors);
        var file = SafeTensors.Load(temp["m.safetensors"]);
        Assert.Equal(DType.Int64, file["ids"].DType);
        Assert.Equal([2, 2], file["ids"].ShapeArray());
        Assert.Equal([long.MinValue, -1, 0, long.MaxValue], file["ids"].ToLongArray());
        Assert.Equal([true, false, true], file["mask"].ToBoolArray());
        Assert.Equal([1.5f, -2f], file["w"].ToArray());
        Assert.Empty(file["none"].ToLongArray());

        // The bytes as the format describes them: I64 little-endian, BOOL one byte each, in the order given.
        var bytes = File.ReadAllBytes(temp["m.safetensors"]);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Contains("\"ids\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[8,40]}", header);
        Assert.Contains("\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[40,43]}", header);
        int data = 8 + (int)headerLength;
        Assert.Equal(long.MinValue, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(data + 8)));
        Assert.Equal(new byte[] { 1, 0, 1 }, bytes[(data + 40)..(data + 43)]);
    }

    [Fact]
    public void SafeTensorsRefusesABoolByteOtherThanZeroOrOne()
    {
        string json = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}";
        var header = new List<byte>(Encoding.UTF8.GetBytes(json));
        while (header.Count % 8 != 0) header.Add((byte)' ');
        var bytes = new byte[8 + header.Count + 2];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Count);
        header.CopyTo(bytes, 8);
        bytes[^2] = 1;
        bytes[^1] = 7;
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(bytes), "t.safetensors"));
        Assert.Contains("element 1", e.Message);
        Assert.Contains("'m'", e.Message);
        bytes[^1] = 0;
        Assert.Equal([true, false], SafeTensors.Read(new MemoryStream(bytes), "t.safetensors")["m"].ToBoolArray());
        string wrong = "{\"i\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        var h2 = new List<byte>(Encoding.UTF8.GetBytes(wrong));
        while (h2.Count % 8 != 0) h2.Add((byte)' ');
        var b2 = new byte[8 + h2.Count + 8];
        BinaryPrimitives.WriteUInt64LittleEndian(b2, (ulong)h2.Count);
        h2.CopyTo(b2, 8);
        Assert.Contains("I64 values", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new MemoryStream(b2), "t.safetensors")).Message);
    }
}
