using System.Text;

namespace Neurone.Nn;

/// <summary>Prints a module tree the way PyTorch's repr does: one line per module, nested by indentation.</summary>
internal static class ModuleFormatter
{
    /// <summary>A type's name as C# writes it: "ModuleList&lt;Linear&gt;" rather than the runtime's "ModuleList`1".</summary>
    public static string TypeName(Type type) => !type.IsGenericType ? type.Name
        : type.Name[..type.Name.IndexOf('`')] + "<" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ">";

    public static string Format(Module module)
    {
        var sb = new StringBuilder();
        Append(sb, module, "", 0);
        return sb.ToString();
    }

    static void Append(StringBuilder sb, Module module, string name, int depth)
    {
        string indent = new(' ', 2 * depth);
        string label = name.Length == 0 ? "" : $"({name}): ";
        var children = module.NamedChildren().ToList();
        if (children.Count == 0)
        {
            sb.Append(indent).Append(label).Append(module.Describe()).Append('\n');
            return;
        }
        sb.Append(indent).Append(label).Append(TypeName(module.GetType())).Append("(\n");
        foreach (var (childName, child) in children) Append(sb, child, childName, depth + 1);
        sb.Append(indent).Append(")\n");
    }
}
