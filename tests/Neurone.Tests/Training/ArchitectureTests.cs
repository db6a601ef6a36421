using System.Text.Json.Nodes;
using Neurone.Nn;
using Neurone.Serialization;
using Neurone.Tensors;
using Neurone.Training;
using Tensor = Neurone.Tensors.Tensor;

namespace Neurone.Tests.Training;

/// <summary>A user container whose children come from outside: it saves them as child modules.</summary>
public sealed class Parallel : Module, ISavedModule<Parallel>
{
    public Parallel(Module left, Module right)
    {
        Left = RegisterModule("left", left);
        Right = RegisterModule("right", right);
    }

    public Module Left { get; }
    public Module Right { get; }

    public override Tensor Forward(Tensor input) => Left.Call(input) + Right.Call(input);
    public override void GetConfig(ModuleConfig config) => config.Set("left", Left).Set("right", Right);
    public static Parallel FromConfig(ModuleSettings s) => new(s.Module("left"), s.Module("right"));
}

/// <summary>Registered under a name of its own choosing, never in these tests' registry by default.</summary>
public sealed class Unregistered : Module, ISavedModule<Unregistered>
{
    public static string TypeName => "MyUnregisteredBlock";
    public override Tensor Forward(Tensor input) => input;
    public static Unregistered FromConfig(ModuleSettings s) => new();
}

/// <summary>Stored under a name of its own, not its class name.</summary>
public sealed class Renamed : Module, ISavedModule<Renamed>
{
    public static string TypeName => "RenamedBlock";
    public override Tensor Forward(Tensor input) => input * 2f;
    public static Renamed FromConfig(ModuleSettings s) => new();
}

public sealed class ArchitectureTests : IDisposable
{
    readonly TempFolder temp = new();
    public void Dispose() => temp.Dispose();

    static uint[] Bits(Tensor t) => t.ToArray().Select(BitConverter.SingleToUInt32Bits).ToArray();

    /// <summary>Sequentials inside a user container inside a Sequential, a list and a dictionary.</summary>
    static Module Tree(ulong seed)
    {
        var rng = new Rng(seed);
        return new ModuleDict(
            ("encoder", new Sequential(new Linear(4, 6, rng: rng), new Parallel(new Sequential(new Linear(6, 6, rng: rng), new Tanh()), new Identity()), new BatchNorm1d(6))),
            ("heads", new ModuleList(new Linear(6, 2, rng: rng), new Sequential(new Dropout(0.1f, rng), new Linear(6, 3, bias: false, rng: rng)))));
    }

    [Fact]
    public void AnyTreeOfRegisteredModulesSavesAndLoadsWithTheSameNamesAndValues()
    {
        ModuleRegistry.Register<Parallel>();
        var model = Tree(1);
        string path = temp.File("tree.safetensors");
        Model.Save(model, path);
        var loaded = Model.Load<ModuleDict>(path);
        Assert.Equal(model.ToString(), loaded.ToString());
        Assert.Equal(model.StateDict().Select(kv => kv.Key), loaded.StateDict().Select(kv => kv.Key));
        foreach (var ((name, a), (_, b)) in model.StateDict().Zip(loaded.StateDict()))
            Assert.True(Bits(a).SequenceEqual(Bits(b)), name);
        Assert.Contains("encoder.1.left.0.weight", loaded.StateDict().Select(kv => kv.Key));

        var encoder = (Sequential)loaded["encoder"];
        encoder.Eval();
        ((Sequential)((ModuleDict)model)["encoder"]).Eval();
        var x = Tensor.Randn([3, 4], new Rng(2));
        Assert.Equal(Bits(((ModuleDict)model)["encoder"].Call(x)), Bits(encoder.Call(x)));

        // The description nests each module's settings under its type.
        var json = JsonNode.Parse(SafeTensors.Load(path).Metadata["neurone.architecture"])!;
        Assert.Equal("ModuleDict", json["type"]!.GetValue<string>());
        Assert.Equal("Parallel", json["modules"]!["encoder"]!["modules"]![1]!["type"]!.GetValue<string>());
        Assert.Equal("Tanh", json["modules"]!["encoder"]!["modules"]![1]!["left"]!["modules"]![1]!["type"]!.GetValue<string>());
        Assert.Equal(3, json["modules"]!["heads"]!["modules"]![1]!["modules"]![1]!["out_features"]!.GetValue<int>());
        Assert.Contains("holds a ModuleDict, expected a Sequential", Assert.Throws<InvalidDataException>(() => Model.Load<Sequential>(path)).Message);
    }

    [Fact]
    public void AnUnregisteredModuleIsNamedWhereItSits()
    {
        var model = new Sequential(new Linear(2, 2), new Sequential(new ReLU(), new Unregistered()));
        Assert.False(Model.CanSaveArchitecture(model));
        var e = Assert.Throws<NotSupportedException>(() => Architecture.Describe(model));
        Assert.Contains("model.modules.1.modules.1 is a Unregistered, which is not a registered module type", e.Message);
        Assert.Contains("ModuleRegistry.Register<Unregistered>()", e.Message);
    }

    [Fact]
    public void AFileNamingAnUnknownModuleTypeNamesItAndWhatIsRegistered()
    {
        string path = temp.File("unknown.safetensors");
        SafeTensors.Save(path, [], new Dictionary<string, string>
        {
            ["neurone.format_version"] = "2",
            ["neurone.architecture"] = "{\"type\":\"Sequential\",\"modules\":[{\"type\":\"ReLU\"},{\"type\":\"MyUnregisteredBlock\"}]}",
        });
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("model.modules.1 is of the unknown module type 'MyUnregisteredBlock'", e.Message);
        Assert.Contains("registered types are", e.Message);
        Assert.Contains("Linear", e.Message);
        Assert.Contains("ModuleRegistry.Register<MyUnregisteredBlock>()", e.Message);
    }

    [Fact]
    public void ANameTakenByAnotherTypeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => ModuleRegistry.Register("Linear", _ => new Unregistered()));
        Assert.Contains("'Linear' is already registered for Neurone.Nn.Linear", e.Message);
        ModuleRegistry.Register<Parallel>();
        ModuleRegistry.Register<Parallel>(); // again: harmless
        Assert.Contains("Parallel", ModuleRegistry.KnownTypes);

        ModuleRegistry.Register<Renamed>();
        Assert.Contains("\"type\":\"RenamedBlock\"", Architecture.Describe(new Sequential(new Renamed())));
        Assert.IsType<Renamed>(((Sequential)Architecture.Build("[{\"type\":\"RenamedBlock\"}]"))[0]);
    }

    [Fact]
    public void AVersionOneFileWithASequentialAsAnArrayStillLoads()
    {
        // Written as the code before module trees wrote it: version 1, the Sequential a bare array.
        var rng = new Rng(4);
        var weights = new Dictionary<string, Tensor>
        {
            ["0.weight"] = Tensor.Randn([3, 2], rng), ["0.bias"] = Tensor.Randn([3], rng),
            ["2.0.weight"] = Tensor.Randn([1, 3], rng), ["2.0.bias"] = Tensor.Randn([1], rng),
        };
        string path = temp.File("v1.safetensors");
        SafeTensors.Save(path, weights, new Dictionary<string, string>
        {
            ["format"] = "pt", ["neurone.format_version"] = "1", ["neurone.kind"] = "model",
            ["neurone.architecture"] = "[{\"type\":\"Linear\",\"in_features\":2,\"out_features\":3,\"bias\":true},{\"type\":\"ReLU\"},[{\"type\":\"Linear\",\"in_features\":3,\"out_features\":1,\"bias\":true}]]",
        });
        var model = Model.Load<Sequential>(path);
        Assert.IsType<Sequential>(model[2]);
        Assert.Equal(weights["2.0.weight"].ToArray(), model.StateDict().Single(kv => kv.Key == "2.0.weight").Value.ToArray());
    }

    /// <summary>A container taking a typed list from outside.</summary>
    public sealed class Stack : Module, ISavedModule<Stack>
    {
        public Stack(ModuleList<Linear> layers) => Layers = RegisterModule("layers", layers);
        public ModuleList<Linear> Layers { get; }
        public override Tensor Forward(Tensor input) => Layers.Aggregate(input, (x, layer) => layer.Call(x));
        public override void GetConfig(ModuleConfig config) => config.SetModules("layers", Layers);
        public static Stack FromConfig(ModuleSettings s) => new(new ModuleList<Linear>(s.Modules<Linear>("layers")));
    }

    [Fact]
    public void ATypedListSavesAsAListAndComesBackTyped()
    {
        ModuleRegistry.Register<Stack>();
        var model = new Stack(new ModuleList<Linear>(new Linear(3, 4, rng: new Rng(1)), new Linear(4, 2, rng: new Rng(2))));
        string path = temp.File("stack.safetensors");
        Model.Save(model, path);
        var loaded = Model.Load<Stack>(path);
        var x = Tensor.Randn([2, 3], new Rng(3));
        Assert.Equal(Bits(model.Call(x)), Bits(loaded.Call(x)));
        Assert.Equal(2, loaded.Layers[1].OutFeatures);

        SafeTensors.Save(path, [], new Dictionary<string, string>
        {
            ["neurone.architecture"] = "{\"type\":\"Stack\",\"layers\":[{\"type\":\"Linear\",\"in_features\":1,\"out_features\":1},{\"type\":\"ReLU\"}]}",
        });
        Assert.Contains("model.layers.1 is a ReLU; expected a Linear", Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message);
    }

    [Fact]
    public void AUserModuleWhoseSettingsDoNotBuildItIsABadFile()
    {
        ModuleRegistry.Register<Parallel>();
        string path = temp.File("bad.safetensors");
        SafeTensors.Save(path, [], new Dictionary<string, string>
        {
            ["neurone.architecture"] = "{\"type\":\"Parallel\",\"left\":{\"type\":\"ReLU\"}}",
        });
        Assert.Contains("model (Parallel) has no 'right'; expected a module", Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message);
    }
}
