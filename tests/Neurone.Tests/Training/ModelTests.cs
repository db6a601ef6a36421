using System.Text.Json.Nodes;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Tests.Serialization;
using Neurone.Training;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Training;

public sealed class ModelTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    /// <summary>Every built-in layer at least once, with non-default settings, nested one level.</summary>
    static Sequential EveryLayer(ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(
            new Flatten(),
            new Linear(12, 8, rng: rng),
            new LeakyReLU(0.2f),
            new Sequential(new Linear(8, 8, bias: false, rng: rng), new Tanh(), new Identity()),
            new Dropout(0.25f, rng),
            new GELU(),
            new Linear(8, 6, rng: rng),
            new Sigmoid(),
            new Linear(6, 5, rng: rng),
            new ReLU(),
            new Flatten(0, -1),
            new Softmax(0),
            new LogSoftmax(-1));
    }

    static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    [Fact]
    public void EveryBuiltInLayerRoundTripsThroughSaveAndLoad()
    {
        var model = EveryLayer(1);
        string path = temp.File("every.safetensors");
        Model.Save(model, path);
        var loaded = Model.Load<Sequential>(path);

        Assert.Equal(model.ToString(), loaded.ToString());
        var x = Tensor.Randn([3, 3, 4], new Rng(2));
        model.Eval();
        loaded.Eval();
        using (GradMode.NoGrad())
            Assert.Equal(Bits(model.Forward(x)), Bits(loaded.Forward(x)));
    }

    [Fact]
    public void EveryLayerTypeInTheLibraryIsRegistered()
    {
        // A new module in Nn must implement ISavedModule, or Model.Save silently drops architectures.
        var modules = typeof(Module).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Module)) && !t.IsAbstract && t.IsPublic && !t.IsGenericTypeDefinition)
            .Select(t => t.Name).ToList();
        Assert.Contains("ModuleDict", modules);
        Assert.Empty(modules.Except(ModuleRegistry.KnownTypes));
    }

    [Fact]
    public void TheArchitectureIsReadableJsonWithPyTorchArgumentNames()
    {
        string path = temp.File("mlp.safetensors");
        Model.Save(new Sequential(new Linear(784, 512), new ReLU(), new Dropout(0.2f), new Linear(512, 10)), path);
        var file = SafeTensors.Load(path);
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], file.Tensors.Select(t => t.Key));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("2", file.Metadata["neurone.format_version"]);
        var root = JsonNode.Parse(file.Metadata["neurone.architecture"])!.AsObject();
        Assert.Equal("Sequential", root["type"]!.GetValue<string>());
        var arch = root["modules"]!.AsArray();
        Assert.Equal("{\"type\":\"Linear\",\"in_features\":784,\"out_features\":512,\"bias\":true}", arch[0]!.ToJsonString());
        Assert.Equal("{\"type\":\"ReLU\"}", arch[1]!.ToJsonString());
        Assert.Equal("{\"type\":\"Dropout\",\"p\":0.2}", arch[2]!.ToJsonString());
    }

    [Fact]
    public void AHandWrittenArchitectureUsesPyTorchDefaults()
    {
        var model = Architecture.Build("[{\"type\":\"Linear\",\"in_features\":3,\"out_features\":2},{\"type\":\"LeakyReLU\"},{\"type\":\"Flatten\"},[{\"type\":\"Dropout\"}]]");
        Assert.Equal("Sequential(\n  (0): Linear(in_features=3, out_features=2, bias=True)\n  (1): LeakyReLU(negative_slope=0.01)\n  (2): Flatten(start_dim=1, end_dim=-1)\n  (3): Sequential(\n    (0): Dropout(p=0.5)\n  )\n)", model.ToString());
    }

    [Theory]
    [InlineData("[{\"type\":\"Conv9d\"}]", "unknown module type 'Conv9d'; registered types are")]
    [InlineData("[{\"type\":\"Linear\",\"in_features\":3}]", "model.0 (Linear) has no 'out_features'")]
    [InlineData("[{\"type\":\"Linear\",\"in_features\":3,\"out_features\":\"2\"}]", "'out_features' = \"2\"; expected an integer")]
    [InlineData("[{\"type\":\"Linear\",\"in_features\":-3,\"out_features\":2}]", "constructor refuses")]
    [InlineData("[{\"type\":\"ReLU\",\"inplace\":true}]", "unknown settings 'inplace'")]
    [InlineData("[[{\"type\":\"Tanh\"},{\"kind\":\"Tanh\"}]]", "model.0.1 has no \"type\"")]
    [InlineData("{\"type\":\"Sequential\",\"modules\":[{\"type\":\"ReLU\",\"inplace\":1}]}", "model.modules.0 (ReLU) has unknown settings 'inplace'")]
    [InlineData("{\"type\":\"Sequential\",\"modules\":{\"type\":\"ReLU\"}}", "model (Sequential) has 'modules' = {\"type\":\"ReLU\"}; expected a list of modules")]
    [InlineData("3", "model should be a module object")]
    [InlineData("[{\"type\":\"ReLU\",\"type\":\"Tanh\"}]", "not valid JSON")]
    public void ABadArchitectureIsAnInvalidDataExceptionNamingThePlace(string architecture, string expected)
    {
        string path = temp.File("bad.safetensors");
        SafeTensors.Save(path, [], new Dictionary<string, string> { ["neurone.architecture"] = architecture });
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    /// <summary>A model that is not a Sequential of registered layers.</summary>
    sealed class Custom : Module
    {
        public readonly Linear Inner;
        public Custom(Rng rng) => Inner = RegisterModule("inner", new Linear(3, 2, rng: rng));
        public override Tensor Forward(Tensor input) => Inner.Forward(input).Relu();
    }

    [Fact]
    public void ACustomModelIsSavedAsWeightsOnlyAndLoadsIntoAModelBuiltInCode()
    {
        string path = temp.File("custom.safetensors");
        var saved = new Custom(new Rng(1));
        Assert.False(Model.CanSaveArchitecture(saved));
        Model.Save(saved, path);
        Assert.Contains("holds weights only", Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message);

        var fresh = new Custom(new Rng(2));
        Model.LoadWeights(fresh, path);
        Assert.Equal(saved.Inner.Weight.ToArray(), fresh.Inner.Weight.ToArray());
        Assert.Equal(saved.Inner.Bias!.ToArray(), fresh.Inner.Bias!.ToArray());
    }

    [Fact]
    public void AMismatchedFileNamesTheTensorAndBothShapesAndChangesNothing()
    {
        string path = temp.File("small.safetensors");
        Model.Save(new Sequential(new Linear(4, 3, rng: new Rng(1))), path);
        var other = new Sequential(new Linear(4, 5, rng: new Rng(2)));
        var before = other.StateDict().Select(kv => kv.Value.ToArray()).ToList();
        var e = Assert.Throws<ArgumentException>(() => Model.LoadWeights(other, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'0.weight'", e.Message);
        Assert.Contains("[3,4]", e.Message);
        Assert.Contains("[5,4]", e.Message);
        Assert.Equal(before, other.StateDict().Select(kv => kv.Value.ToArray()).ToList());

        var deeper = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 1));
        Assert.Contains("missing keys 2.weight, 2.bias", Assert.Throws<ArgumentException>(() => Model.LoadWeights(deeper, path)).Message);
    }

    [Fact]
    public void NonStrictLoadingSkipsNamesOnlyOneSideHas()
    {
        string path = temp.File("partial.safetensors");
        var source = new Sequential(new Linear(4, 3, rng: new Rng(1)), new ReLU(), new Linear(3, 2, rng: new Rng(3)));
        Model.Save(source, path);
        var target = new Sequential(new Linear(4, 3, rng: new Rng(2)));
        Model.LoadWeights(target, path, strict: false);
        Assert.Equal(((Linear)source[0]).Weight.ToArray(), ((Linear)target[0]).Weight.ToArray());
    }

    [Fact]
    public void ATruncatedModelFileFailsCleanlyAndLeavesTheModelAlone()
    {
        string path = temp.File("cut.safetensors");
        var model = EveryLayer(1);
        Model.Save(model, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message);
        var other = EveryLayer(2);
        var before = other.StateDict().Select(kv => kv.Value.ToArray()).ToList();
        Assert.Throws<InvalidDataException>(() => Model.LoadWeights(other, path));
        Assert.Equal(before, other.StateDict().Select(kv => kv.Value.ToArray()).ToList());
    }

    [Fact]
    public void AFileFromAFutureFormatVersionIsRefused()
    {
        string path = temp.File("future.safetensors");
        SafeTensors.Save(path, [], new Dictionary<string, string> { ["neurone.format_version"] = "7", ["neurone.architecture"] = "[]" });
        Assert.Contains("version '7'", Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message);
    }
}
