namespace Neurone.Kernels;

/// <summary>
/// Where <see cref="Gemm"/> gets the packed panels of op(B) from when B is not a matrix in memory: a convolution
/// lowers its images straight into the panel layout (<see cref="LoweredImages"/>), so the column matrix is never
/// written out and read back to be packed. A product computed transposed takes them as the packed A panels of its
/// left operand, op(B)ᵀ: for each k step, the values of consecutive columns of op(B), which is exactly what a B
/// panel holds.
/// </summary>
internal unsafe interface IPanelSource
{
    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into ⌈nc/nr⌉ consecutive panels of kc×nr floats at <paramref name="dst"/>
    /// (for each k step, nr consecutive column values), the last panel zero-padded: the layout of
    /// <see cref="GemmPacking.PackB"/>. Called from several threads at once when the product is threaded.
    /// </summary>
    void PackB(int p0, int kc, int j0, int nc, float* dst, int nr);
}
