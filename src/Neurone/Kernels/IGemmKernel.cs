namespace Neurone.Kernels;

/// <summary>
/// A register-blocked GEMM microkernel: computes an MR×NR tile of C from a packed MR-row panel of A
/// (kc steps of MR floats) and a packed NR-column panel of B (kc steps of NR floats), then writes
/// C = alpha·tile + beta·C. Always a full tile: the driver sends ragged edge tiles to a scratch tile. The driver is generic over this interface so the
/// JIT compiles one specialised copy of the blocked loops per instruction set.
/// </summary>
internal interface IGemmKernel
{
    /// <summary>Rows of the register tile (and of a packed A panel).</summary>
    static abstract int MR { get; }
    /// <summary>Columns of the register tile (and of a packed B panel).</summary>
    static abstract int NR { get; }
    /// <summary>One full tile; beta = 0 means C is write-only.</summary>
    static abstract unsafe void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta);
}
