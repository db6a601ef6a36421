using Neurone.Tensors;

namespace Neurone.Tests.Parity;

/// <summary>Builds a Neurone tensor from a parity case's input, by the dtype PyTorch gave it.</summary>
internal static class ParityInputs
{
    public static Tensor Create(ParityInput input) => input.DType switch
    {
        "float64" => Floats(input.Data, input.Shape),
        "int64" => Tensor.FromLongs(input.Data.Select(v => (long)v).ToArray(), input.Shape),
        "bool" => Tensor.FromBools(input.Data.Select(v => v != 0).ToArray(), input.Shape),
        _ => throw new NotSupportedException($"parity: inputs of dtype '{input.DType}' ({input.Name}) are not supported yet."),
    };

    /// <summary>Float32 values of the given shape; an empty shape is a scalar (FromArray would make it 1-D).</summary>
    public static Tensor Floats(double[] data, int[] shape) => shape.Length == 0
        ? Tensor.Scalar((float)data[0])
        : Tensor.FromArray(data.Select(v => (float)v).ToArray(), shape);
}
