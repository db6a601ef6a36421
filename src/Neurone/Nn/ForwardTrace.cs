using Neurone.Tensors;

namespace Neurone.Nn;

/// <summary>
/// Records the output shapes of the modules run through <see cref="Module.Call(Tensor)"/> (and the
/// typed <c>Call</c> of several-input modules) while it is active on this thread, so a summary can show
/// the shape of every node of a tree whose modules call their children — PyTorch's forward hooks, for
/// the one use Neurone has for them. Only the first call of each module is kept, and the innermost
/// module that threw is remembered, so a summary can name it.
/// </summary>
internal sealed class ForwardTrace : IDisposable
{
    [ThreadStatic] static ForwardTrace? current;
    readonly ForwardTrace? previous;
    readonly Dictionary<Module, string> shapes = new(ReferenceEqualityComparer.Instance);

    ForwardTrace()
    {
        previous = current;
        current = this;
    }

    /// <summary>The trace active on this thread, or null (the common case: one static read per call).</summary>
    public static ForwardTrace? Current => current;

    /// <summary>Starts recording on this thread until disposed.</summary>
    public static ForwardTrace Start() => new();

    /// <summary>The innermost module whose Forward threw, or null.</summary>
    public Module? Failed { get; private set; }

    /// <summary>Runs <paramref name="module"/>'s forward, recording its output's shape, or the module if it throws first.</summary>
    public T Run<T>(Module module, Func<T> forward)
    {
        T output;
        try
        {
            output = forward();
        }
        catch
        {
            Failed ??= module;
            throw;
        }
        if (!shapes.ContainsKey(module) && Format(output) is { } text) shapes[module] = text;
        return output;
    }

    /// <summary>The recorded shape text of <paramref name="module"/>'s output, e.g. "[N,16]", or null if it was not called.</summary>
    public string? ShapeOf(Module module) => shapes.GetValueOrDefault(module);

    static string? Format(object? output)
    {
        if (output is Tensor t)
            return t.Rank == 0 ? "[]" : "[N" + string.Concat(t.ShapeArray().Skip(1).Select(d => "," + d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        if (output is System.Runtime.CompilerServices.ITuple tuple)
        {
            var parts = new List<string>();
            for (int i = 0; i < tuple.Length; i++)
                if (Format(tuple[i]) is { } part) parts.Add(part);
            return parts.Count == 0 ? null : "(" + string.Join(", ", parts) + ")";
        }
        return null;
    }

    public void Dispose() => current = previous;
}
