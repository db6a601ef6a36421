using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

namespace Neurone.Tests.Nn;

/// <summary>An autoencoder whose decoder is the encoder's weight, transposed: one Parameter registered twice.</summary>
public sealed class TiedAutoencoder : Module, ISavedModule<TiedAutoencoder>
{
    public readonly Linear Encoder;
    public readonly Parameter DecoderWeight;
    public readonly Linear Shared;

    public TiedAutoencoder(int features, int code, Rng? rng = null)
    {
        (Features, Code) = (features, code);
        Encoder = RegisterModule("encoder", new Linear(features, code, bias: false, rng: rng));
        DecoderWeight = RegisterParameter("decoder_weight", Encoder.Weight);
        // The same module under two names, as a shared layer applied twice.
        Shared = RegisterModule("shared", new Linear(code, code, rng: rng));
        RegisterModule("shared_again", Shared);
    }

    public int Features { get; }
    public int Code { get; }

    public override Tensor Forward(Tensor input)
    {
        var code = Shared.Call(Shared.Call(Encoder.Call(input)).Relu());
        return code.MatMul(DecoderWeight);
    }

    public override void GetConfig(ModuleConfig config) => config.Set("features", Features).Set("code", Code);
    public static TiedAutoencoder FromConfig(ModuleSettings s) => new(s.Int("features"), s.Int("code"), s.Rng);
}

public sealed class TiedParameterTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    [Fact]
    public void ATiedParameterIsCountedOnceEverywhere()
    {
        var model = new TiedAutoencoder(6, 3, new Rng(1));
        // Listed under the first name met, the root's own parameters first, as PyTorch's named_parameters.
        Assert.Equal(["decoder_weight", "shared.weight", "shared.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(6 * 3 + 3 * 3 + 3, model.ParameterCount());
        Assert.Equal(["decoder_weight", "shared.weight", "shared.bias"], model.StateDict().Select(kv => kv.Key));
        Assert.Equal(["", "encoder", "shared"], model.NamedModules().Select(m => m.Name));
        // The optimizer takes Parameters() as it is: no duplicate to refuse.
        var optimizer = new SGD(model.Parameters(), lr: 0.1);
        Assert.Equal(3, optimizer.Parameters.Count);

        // Both uses add to the one gradient, and one step moves the one tensor.
        var x = Tensor.Randn([4, 6], new Rng(2));
        var before = model.Encoder.Weight.ToArray();
        (model.Call(x) - x).Square().Mean().Backward();
        var grad = model.Encoder.Weight.Grad!.ToArray();
        optimizer.Step();
        Assert.Equal(before.Zip(grad, (w, g) => w - 0.1f * g), model.DecoderWeight.ToArray());

        string summary = ModelSummary.Of(model, 6);
        Assert.Contains("Total params: 30", summary);
        Assert.Contains("shared_again (Linear) → shared", summary);
    }

    [Fact]
    public void AStateDictNamingATiedTensorByItsOtherNameLoads()
    {
        var a = new TiedAutoencoder(6, 3, new Rng(1));
        var b = new TiedAutoencoder(6, 3, new Rng(7));
        // PyTorch's state dicts list every name of a tied tensor; "encoder.weight" here stands for decoder_weight.
        var state = a.StateDict().Select(kv => kv.Key == "decoder_weight" ? new KeyValuePair<string, Tensor>("encoder.weight", kv.Value) : kv).ToList();
        b.LoadStateDict(state);
        Assert.Equal(a.Encoder.Weight.ToArray(), b.DecoderWeight.ToArray());
        Assert.Same(b.Encoder.Weight, b.DecoderWeight);
    }

    [Fact]
    public void ATiedModelSavesOnceAndLoadsTiedAgain()
    {
        ModuleRegistry.Register<TiedAutoencoder>();
        var model = new TiedAutoencoder(6, 3, new Rng(1));
        string path = temp.File("tied.safetensors");
        Model.Save(model, path);
        Assert.Equal(3, Neurone.Serialization.SafeTensors.Load(path).Tensors.Count);
        var loaded = Model.Load<TiedAutoencoder>(path);
        Assert.Same(loaded.Encoder.Weight, loaded.DecoderWeight);
        var x = Tensor.Randn([2, 6], new Rng(3));
        Assert.Equal(model.Call(x).ToArray(), loaded.Call(x).ToArray());
    }
}
