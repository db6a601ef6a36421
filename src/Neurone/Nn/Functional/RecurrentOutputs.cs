using Neurone.Tensors;

namespace Neurone.Nn.Functional;

/// <summary>
/// What an LSTM returns, as PyTorch's <c>(output, (h_n, c_n))</c>: the hidden state of every step (zero past a
/// sequence's length), and the final hidden and cell states, each row's own last step.
/// </summary>
/// <param name="Output">[T, B, D·H] (or [B, T, D·H] batch-first).</param>
/// <param name="H">The final hidden states, [layers·D, B, H] from a module, [B, H] from one layer-direction op.</param>
/// <param name="C">The final cell states, shaped as <paramref name="H"/>.</param>
public readonly record struct LstmOutput(Tensor Output, Tensor H, Tensor C);

/// <summary>What a GRU returns, as PyTorch's <c>(output, h_n)</c>; see <see cref="LstmOutput"/>.</summary>
/// <param name="Output">[T, B, D·H] (or [B, T, D·H] batch-first).</param>
/// <param name="H">The final hidden states, [layers·D, B, H] from a module, [B, H] from one layer-direction op.</param>
public readonly record struct GruOutput(Tensor Output, Tensor H);
