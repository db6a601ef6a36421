using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Modules applied one after another; they are named 0, 1, 2, … as in PyTorch. Where consecutive layers have a
/// fused op, Forward calls it, with the same values and gradients as the layers one by one: Conv2d, ReLU,
/// MaxPool2d as <see cref="Functional.F.Conv2dReluMaxPool2d(Tensor, Tensor, Tensor?, int, int?, int, int, int, int, int)"/>; Linear, Conv1d or Conv2d
/// followed by a ReLU as F.Linear / F.Conv1d / F.Conv2d with relu. A chain may fuse because nothing but the next
/// layer reads an output; a model written as its own Module calls the same F ops in its Forward
/// (docs/functional.md).
/// </summary>
public sealed class Sequential : Module, ISavedModule<Sequential>
{
    readonly List<Module> layers = [];

    /// <summary>A pipeline of <paramref name="modules"/>, in order.</summary>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module; it is named by its position.</summary>
    public Sequential Add(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <summary>The number of modules.</summary>
    public int Count => layers.Count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module this[int index] => layers[index];

    /// <summary>The modules in order.</summary>
    public IReadOnlyList<Module> Layers => layers;

    public override Tensor Forward(Tensor input)
    {
        var x = input;
        // A summary records every layer's output, so while one runs the layers go one by one.
        if (ForwardTrace.Current is not null)
        {
            foreach (var layer in layers) x = layer.Call(x);
            return x;
        }
        for (int i = 0; i < layers.Count; i++)
        {
            // Conv2d, ReLU, MaxPool2d as one op: the convolution's full-size output is never stored.
            if (layers[i] is Conv2d conv && i + 2 < layers.Count && layers[i + 1] is ReLU && layers[i + 2] is MaxPool2d pool)
            {
                x = conv.ForwardReluMaxPool(x, pool);
                i += 2;
            }
            // The ReLU applied by the op before it saves a buffer and a pass.
            else if (i + 1 < layers.Count && layers[i + 1] is ReLU && layers[i] is Linear or ConvolutionLayer)
            {
                x = layers[i] is Linear linear ? linear.Forward(x, relu: true) : ((ConvolutionLayer)layers[i]).Forward(x, relu: true);
                i++;
            }
            else x = layers[i].Forward(x);
        }
        return x;
    }

    public override void GetConfig(ModuleConfig config) => config.SetModules("modules", layers);

    public static Sequential FromConfig(ModuleSettings s) => new([.. s.Modules("modules")]);
}
