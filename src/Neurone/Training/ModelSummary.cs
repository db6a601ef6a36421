using System.Globalization;
using System.Text;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// Keras' <c>model.summary()</c> for any module tree: one row per module node, indented under its
/// parent, with the output shape it gave when one sample of <c>inputShape</c> ran through the model (in
/// eval mode, without gradients), the parameters and buffers it registers itself ("Own") and those of
/// its whole subtree ("Total"), then total, trainable and non-trainable counts. Output shapes are known
/// for the modules run through <see cref="Module.Call(Tensor)"/> (every layer of a
/// <see cref="Sequential"/>, and the children of user modules that call them so); others show "?".
/// Containers that are never called (<see cref="ModuleList{T}"/>, <see cref="ModuleDict"/>) show "—".
/// A tied parameter is counted once, at the first module that registers it; a module registered twice
/// is listed again as a reference to its first name.
/// </summary>
public static class ModelSummary
{
    /// <summary>The summary of <paramref name="model"/> for inputs of one sample's shape <paramref name="inputShape"/>.</summary>
    public static string Of(Module model, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        return Of(model, m => m.Call(Tensor.Zeros([1, .. inputShape])));
    }

    /// <summary>
    /// The summary of <paramref name="model"/>, its output shapes found by <paramref name="run"/> — for a
    /// model with several inputs, e.g. <c>m =&gt; ((Encoder)m).Call(x, mask)</c>; the batch dimension is
    /// shown as N. Null shows the tree and counts without shapes.
    /// </summary>
    public static string Of(Module model, Action<Module>? run)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool wasTraining = model.Training;
        using var trace = ForwardTrace.Start();
        if (run is not null)
        {
            model.Eval();
            try
            {
                using (GradMode.NoGrad()) run(model);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                var failed = trace.Failed ?? model;
                string name = model.NamedModules().FirstOrDefault(m => ReferenceEquals(m.Module, failed)).Name ?? "";
                throw new ArgumentException($"summary: module '{name}' ({failed.GetType().Name}) cannot run on this input: {e.Message}", e);
            }
            finally
            {
                model.Train(wasTraining);
            }
        }

        var rows = new List<Row>();
        var counted = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var firstName = new Dictionary<Module, string>(ReferenceEqualityComparer.Instance);
        Walk(model, "", TypeName(model.GetType()), 0, run is null ? null : trace, counted, firstName, rows);

        long trainable = model.Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.Count);
        long frozen = model.Parameters().Where(p => !p.RequiresGrad).Sum(p => (long)p.Count) + model.NamedBuffers().Sum(b => (long)b.Buffer.Count);
        int nameWidth = Math.Max(28, rows.Max(r => r.Label.Length) + 2), shapeWidth = Math.Max(18, rows.Max(r => r.Shape.Length) + 2);
        const int countWidth = 14;
        var sb = new StringBuilder();
        string rule = new('─', nameWidth + shapeWidth + 2 * countWidth);
        sb.Append(CultureInfo.InvariantCulture, $"Model: {TypeName(model.GetType())}\n{rule}\n");
        sb.Append("Module (type)".PadRight(nameWidth)).Append("Output shape".PadRight(shapeWidth))
            .Append("Own params".PadLeft(countWidth)).Append("Total params".PadLeft(countWidth)).Append('\n');
        sb.Append(new string('═', rule.Length)).Append('\n');
        foreach (var row in rows)
            sb.Append(row.Label.PadRight(nameWidth)).Append(row.Shape.PadRight(shapeWidth))
                .Append(Count(row.Own).PadLeft(countWidth)).Append(Count(row.Total).PadLeft(countWidth)).Append('\n');
        sb.Append(new string('═', rule.Length)).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"Total params: {trainable + frozen:N0}\nTrainable params: {trainable:N0}\nNon-trainable params: {frozen:N0}\n{rule}");
        return sb.ToString();
    }

    sealed record Row(string Label, string Shape, long Own, long Total);

    static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static void Walk(Module module, string path, string label, int depth, ForwardTrace? trace, HashSet<Tensor> counted,
        Dictionary<Module, string> firstName, List<Row> rows)
    {
        string indent = new(' ', 2 * depth);
        if (firstName.TryGetValue(module, out var first))
        {
            rows.Add(new Row($"{indent}{label} → {(first.Length == 0 ? "(root)" : first)}", "", 0, 0));
            return;
        }
        firstName[module] = path;
        long own = 0;
        foreach (var (_, p) in module.OwnParameters()) if (counted.Add(p)) own += p.Count;
        foreach (var (_, b) in module.OwnBuffers()) if (counted.Add(b)) own += b.Count;
        long total = module.Parameters().Sum(p => (long)p.Count) + module.NamedBuffers().Sum(b => (long)b.Buffer.Count);
        string shape = trace is null ? "" : trace.ShapeOf(module) ?? (IsContainer(module) ? "—" : "?");
        rows.Add(new Row(indent + label, shape, own, total));
        foreach (var (name, child) in module.NamedChildren())
        {
            string childPath = path.Length == 0 ? name : path + "." + name;
            Walk(child, childPath, $"{name} ({TypeName(child.GetType())})", depth + 1, trace, counted, firstName, rows);
        }
    }

    // Lists and dictionaries hold modules without being called themselves.
    static bool IsContainer(Module module)
    {
        if (module is ModuleDict) return true;
        for (var t = module.GetType(); t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ModuleList<>)) return true;
        return false;
    }

    static string TypeName(Type type) => ModuleFormatter.TypeName(type);
}
