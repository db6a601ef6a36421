using Neurone.Tensors;

namespace Neurone.Nn;

// Modules with several inputs. The design, and why: a module states its own inputs and outputs as C#
// types, as TorchSharp's Module<T1, T2, TResult> does, rather than taking an object[] or a bag of named
// tensors: the compiler then checks every call (a mask cannot be forgotten, a state cannot be passed
// as the input), and several outputs are a value tuple with named fields, e.g.
// (Tensor Output, Tensor State). The single-tensor Forward of Module stays the one contract that
// Sequential, Fit, Predict and the summary chain on; a several-input module may also override it (an
// RNN called without a state, say) to sit in a Sequential, and otherwise says it cannot.

/// <summary>
/// A module taking two inputs, e.g. a tensor and a mask, or an input and a state: override the typed
/// <see cref="Forward(T1, T2)"/>; <typeparamref name="TResult"/> may be a value tuple for several outputs.
/// Call it as <see cref="Call(T1, T2)"/> from a parent so summaries record its output.
/// </summary>
public abstract class Module<T1, T2, TResult> : Module
{
    /// <summary>Computes the module's output from its two inputs.</summary>
    public abstract TResult Forward(T1 input1, T2 input2);

    /// <summary>Runs <see cref="Forward(T1, T2)"/>, recording its output for summaries.</summary>
    public TResult Call(T1 input1, T2 input2)
    {
        var trace = ForwardTrace.Current;
        if (trace is null) return Forward(input1, input2);
        return trace.Run(this, () => Forward(input1, input2));
    }

    /// <summary>A several-input module takes no single tensor unless it overrides this (e.g. with a default second input).</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} takes two inputs ({typeof(T1).Name}, {typeof(T2).Name}); call its Forward(input1, input2), or override Forward(Tensor) to give the second a default.");
}

/// <summary>A module taking three inputs; see <see cref="Module{T1, T2, TResult}"/>.</summary>
public abstract class Module<T1, T2, T3, TResult> : Module
{
    /// <summary>Computes the module's output from its three inputs.</summary>
    public abstract TResult Forward(T1 input1, T2 input2, T3 input3);

    /// <summary>Runs <see cref="Forward(T1, T2, T3)"/>, recording its output for summaries.</summary>
    public TResult Call(T1 input1, T2 input2, T3 input3)
    {
        var trace = ForwardTrace.Current;
        if (trace is null) return Forward(input1, input2, input3);
        return trace.Run(this, () => Forward(input1, input2, input3));
    }

    /// <summary>A several-input module takes no single tensor unless it overrides this.</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} takes three inputs ({typeof(T1).Name}, {typeof(T2).Name}, {typeof(T3).Name}); call its Forward(input1, input2, input3).");
}
