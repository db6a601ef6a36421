namespace Neurone.Nn.Functional;

/// <summary>
/// The functional ops, as <c>torch.nn.functional</c>: each differentiable computation of a layer or loss is one
/// static method that computes its forward and records, right beneath it, its backward. A module holds parameters
/// and configuration and calls these in a short <c>Forward</c>; a fused kernel is an op here too, so any module can
/// reach it. The class is partial: each op (or family of ops) lives in its own file of this folder.
/// </summary>
public static partial class F
{
}
