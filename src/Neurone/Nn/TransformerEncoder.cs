using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// A stack of <see cref="TransformerEncoderLayer"/>s applied in order, with an optional final <see cref="LayerNorm"/>
/// (PyTorch's <c>nn.TransformerEncoder</c>; parameters under <c>layers.i.</c> and <c>norm.</c>). The layers are
/// separate modules, each with its own weights.
/// </summary>
public sealed class TransformerEncoder : Module, ISavedModule<TransformerEncoder>
{
    readonly List<TransformerEncoderLayer> layers;

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<TransformerEncoderLayer> Layers => layers;
    /// <summary>The final normalisation, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary><paramref name="numLayers"/> layers each made by <paramref name="makeLayer"/>, then <paramref name="norm"/>.</summary>
    public TransformerEncoder(Func<TransformerEncoderLayer> makeLayer, int numLayers, LayerNorm? norm = null)
        : this(Enumerable.Range(0, numLayers).Select(_ => makeLayer()), norm) { }

    /// <summary>The given layers, then <paramref name="norm"/>.</summary>
    public TransformerEncoder(IEnumerable<TransformerEncoderLayer> layers, LayerNorm? norm = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        this.layers = [.. layers];
        if (this.layers.Count == 0) throw new ArgumentException("TransformerEncoder: expected at least one layer.", nameof(layers));
        RegisterModule("layers", new ModuleList<TransformerEncoderLayer>(this.layers));
        if (norm is not null) Norm = RegisterModule("norm", norm);
    }

    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Every layer with the same masks (see <see cref="TransformerEncoderLayer.Forward(Tensor, Tensor?, Tensor?, bool)"/>).</summary>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        var x = src;
        foreach (var layer in layers) x = layer.Forward(x, mask, srcKeyPaddingMask, isCausal);
        return Norm is null ? x : Norm.Call(x);
    }

    public override void GetConfig(ModuleConfig config)
    {
        config.SetModules("layers", layers);
        if (Norm is not null) config.Set("norm", Norm);
    }

    public static TransformerEncoder FromConfig(ModuleSettings s) =>
        new(s.Modules<TransformerEncoderLayer>("layers"), s.Has("norm") ? s.Module<LayerNorm>("norm") : null);
}
