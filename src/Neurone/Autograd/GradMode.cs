namespace Neurone.Autograd;

/// <summary>
/// Whether ops record the graph, per thread. Evaluation wraps its work in <see cref="NoGrad"/> so no
/// graph and no saved tensors are kept (PyTorch's <c>torch.no_grad()</c>).
/// </summary>
public static class GradMode
{
    [ThreadStatic] static int disabledDepth;

    /// <summary>True unless a <see cref="NoGrad"/> scope is open on this thread.</summary>
    public static bool IsEnabled => disabledDepth == 0;

    /// <summary>Stops recording until the returned scope is disposed: <c>using (GradMode.NoGrad()) { … }</c>.</summary>
    public static IDisposable NoGrad()
    {
        disabledDepth++;
        return new Scope();
    }

    sealed class Scope : IDisposable
    {
        bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            disabledDepth--;
        }
    }
}
