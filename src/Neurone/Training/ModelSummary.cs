using System.Globalization;
using System.Text;
using Neurone.Autograd;
using Neurone.Nn;
using Neurone.Tensors;

namespace Neurone.Training;

/// <summary>
/// Keras' <c>model.summary()</c>: one row per layer with its output shape (found by running one
/// sample of <c>inputShape</c> through the model, in eval mode, without gradients) and its parameter
/// count, then total, trainable and non-trainable counts. Nested Sequentials are listed layer by layer;
/// other composite modules are one row each.
/// </summary>
public static class ModelSummary
{
    /// <summary>The summary table of <paramref name="model"/> for inputs of one sample's shape <paramref name="inputShape"/>.</summary>
    public static string Of(Module model, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        var rows = new List<(string Name, string Shape, long Params)>();
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using (GradMode.NoGrad())
            {
                var x = Tensor.Zeros([1, .. inputShape]);
                Walk(model, "", x, rows);
            }
        }
        finally
        {
            model.Train(wasTraining);
        }

        long trainable = model.Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.Count);
        long frozen = model.Parameters().Where(p => !p.RequiresGrad).Sum(p => (long)p.Count) + model.NamedBuffers().Sum(b => (long)b.Buffer.Count);
        int nameWidth = Math.Max(24, rows.Max(r => r.Name.Length) + 2), shapeWidth = Math.Max(18, rows.Max(r => r.Shape.Length) + 2);
        var sb = new StringBuilder();
        string rule = new('─', nameWidth + shapeWidth + 12);
        sb.Append(CultureInfo.InvariantCulture, $"Model: {model.GetType().Name}\n{rule}\n");
        sb.Append("Layer (type)".PadRight(nameWidth)).Append("Output shape".PadRight(shapeWidth)).Append("Param #".PadLeft(12)).Append('\n');
        sb.Append(new string('═', rule.Length)).Append('\n');
        foreach (var (name, shape, count) in rows)
            sb.Append(name.PadRight(nameWidth)).Append(shape.PadRight(shapeWidth)).Append(count.ToString("N0", CultureInfo.InvariantCulture).PadLeft(12)).Append('\n');
        sb.Append(new string('═', rule.Length)).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"Total params: {trainable + frozen:N0}\nTrainable params: {trainable:N0}\nNon-trainable params: {frozen:N0}\n{rule}");
        return sb.ToString();
    }

    static Tensor Walk(Module module, string name, Tensor x, List<(string, string, long)> rows)
    {
        if (module is Sequential seq)
        {
            foreach (var (childName, child) in seq.NamedChildren())
                x = Walk(child, name.Length == 0 ? childName : name + "." + childName, x, rows);
            return x;
        }
        Tensor y;
        try
        {
            y = module.Forward(x);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"summary: layer '{name}' ({module.GetType().Name}) cannot take input {Shapes.Format(x.Shape)}: {e.Message}", e);
        }
        var shape = y.ShapeArray();
        string shapeText = "[N" + string.Concat(shape.Skip(1).Select(d => "," + d.ToString(CultureInfo.InvariantCulture))) + "]";
        rows.Add(($"{(name.Length == 0 ? "" : name + " ")}({module.GetType().Name})", shapeText, module.ParameterCount() + module.NamedBuffers().Sum(b => (long)b.Buffer.Count)));
        return y;
    }
}
