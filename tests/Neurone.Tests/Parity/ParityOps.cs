using Neurone.Nn.Functional;
using Neurone.Tensors;

namespace Neurone.Tests.Parity;

/// <summary>
/// Runs a parity step with Neurone's ops: the one place that maps the script's op names (PyTorch's) to ours. An op
/// the script knows and this does not fails the case by name, so a new op in the script cannot be skipped quietly.
/// </summary>
internal static class ParityOps
{
    public static Tensor Run(ParityStep s, IReadOnlyList<Tensor> a) => s.Op switch
    {
        "neg" => a[0].Neg(),
        "abs" => a[0].Abs(),
        "exp" => a[0].Exp(),
        "log" => a[0].Log(),
        "sqrt" => a[0].Sqrt(),
        "tanh" => a[0].Tanh(),
        "sigmoid" => a[0].Sigmoid(),
        "relu" => a[0].Relu(),
        "gelu" => a[0].Gelu(),
        "silu" => F.Silu(a[0]),
        "square" => a[0].Square(),
        "leaky_relu" => a[0].LeakyRelu(s.Float("slope")),
        "clamp" => a[0].Clamp(s.Float("min"), s.Float("max")),
        "pow_scalar" => a[0].Pow(s.Float("exponent")),
        "add_scalar" => a[0] + s.Float("value"),
        "add" => a[0] + a[1],
        "sub" => a[0] - a[1],
        "mul" => a[0] * a[1],
        "div" => a[0] / a[1],
        "maximum" => Tensor.Maximum(a[0], a[1]),
        "minimum" => Tensor.Minimum(a[0], a[1]),
        "sum_dim" => a[0].Sum(s.Int("dim"), s.Bool("keepdim")),
        "mean_dim" => a[0].Mean(s.Int("dim"), s.Bool("keepdim")),
        "max_dim" => a[0].Max(s.Int("dim"), s.Bool("keepdim")),
        "min_dim" => a[0].Min(s.Int("dim"), s.Bool("keepdim")),
        "var_dim" => a[0].Var(s.Int("dim"), s.Bool("keepdim"), s.Int("correction")),
        "std_dim" => a[0].Std(s.Int("dim"), s.Bool("keepdim"), s.Int("correction")),
        "softmax" => a[0].Softmax(s.Int("dim")),
        "log_softmax" => a[0].LogSoftmax(s.Int("dim")),
        "transpose" => a[0].Transpose(s.Int("dim0"), s.Int("dim1")),
        "permute" => a[0].Permute(s.Ints("dims")),
        "reshape" => a[0].Reshape(s.Ints("shape")),
        "unsqueeze" => a[0].Unsqueeze(s.Int("dim")),
        "flatten" => a[0].Flatten(s.Int("start_dim"), s.Int("end_dim")),
        "cat" => Tensor.Cat([a[0], a[1]], s.Int("dim")),
        "stack" => Tensor.Stack([a[0], a[1]], s.Int("dim")),
        "slice" => a[0].Slice(s.Int("start"), s.Int("count")),
        "matmul" or "batched_matmul" => Tensor.MatMul(a[0], a[1]),
        "softplus" => a[0].Softplus(),
        "logsumexp" => a[0].LogSumExp(s.Int("dim"), s.Bool("keepdim")),
        "narrow" => a[0].Narrow(s.Int("dim"), s.Int("start"), s.Int("length")),
        "chunk" => a[0].Chunk(s.Int("chunks"), s.Int("dim"))[s.Int("index")],
        "split" => a[0].Split(s.Ints("sizes"), s.Int("dim"))[s.Int("index")],
        "expand" => a[0].Expand(s.Ints("sizes")),
        "tril" => a[0].Tril(s.Int("diagonal")),
        "triu" => a[0].Triu(s.Int("diagonal")),
        "sum_dims" => a[0].Sum(s.Ints("dims"), s.Bool("keepdim")),
        "mean_dims" => a[0].Mean(s.Ints("dims"), s.Bool("keepdim")),
        "linear" => F.Linear(a[0], a[1], a.Count > 2 ? a[2] : null),
        "conv2d" => F.Conv2d(a[0], a[1], a.Count > 2 ? a[2] : null, s.Int("stride"), s.Int("padding"), s.Int("dilation")),
        "conv1d" => F.Conv1d(a[0], a[1], a.Count > 2 ? a[2] : null, s.Int("stride"), s.Int("padding"), s.Int("dilation")),
        "max_pool2d" => F.MaxPool2d(a[0], s.Int("kernel_size"), s.Int("stride"), s.Int("padding")),
        "avg_pool2d" => F.AvgPool2d(a[0], s.Int("kernel_size"), s.Int("stride"), s.Int("padding")),
        "adaptive_avg_pool2d" => F.AdaptiveAvgPool2d(a[0], s.Int("output_height"), s.Int("output_width")),
        "layer_norm" => F.LayerNorm(a[0], s.Ints("normalized_shape"), a.Count > 1 ? a[1] : null, a.Count > 2 ? a[2] : null),
        "batch_norm2d" => F.BatchNorm(a[0], null, null, a[1], a[2], training: true),
        "mse_loss" => F.MseLoss(a[0], a[1]),
        "l1_loss" => F.L1Loss(a[0], a[1]),
        "bce_with_logits" => F.BinaryCrossEntropyWithLogits(a[0], a[1]),
        "var_dims" => a[0].Var(s.Ints("dims"), s.Bool("keepdim")),
        _ => throw new NotSupportedException($"parity: the script's op '{s.Op}' has no Neurone counterpart in ParityOps."),
    };
}
