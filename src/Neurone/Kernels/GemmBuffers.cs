using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Neurone.Kernels;

/// <summary>
/// Per-thread packing buffers, kept between calls so steady-state GEMM allocates nothing. They are pinned
/// managed arrays (64-byte aligned inside), so a thread's buffers are collected with the thread.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    [ThreadStatic] static GemmBuffers? current;

    /// <summary>The calling thread's buffers.</summary>
    public static GemmBuffers Current => current ??= new GemmBuffers();

    float[]? a, b, x, t;
    float* pa, pb, px, pt;

    /// <summary>At least <paramref name="floats"/> floats for packed A, 64-byte aligned.</summary>
    public float* A(int floats) => Ensure(ref a, ref pa, floats);
    /// <summary>At least <paramref name="floats"/> floats for packed B, 64-byte aligned.</summary>
    public float* B(int floats) => Ensure(ref b, ref pb, floats);
    /// <summary>At least <paramref name="floats"/> floats of scratch for a gathered vector.</summary>
    public float* X(int floats) => Ensure(ref x, ref px, floats);
    /// <summary>At least <paramref name="floats"/> floats for a product computed transposed, 64-byte aligned.</summary>
    public float* T(int floats) => Ensure(ref t, ref pt, floats);

    static float* Ensure(ref float[]? array, ref float* aligned, int floats)
    {
        if (array is null || array.Length < floats + 16)
        {
            // Grow geometrically so a sequence of slightly larger problems does not reallocate each time.
            int size = Math.Max(floats + 16, array is null ? 0 : (int)Math.Min(int.MaxValue / 2, array.Length * 3L / 2));
            array = GC.AllocateUninitializedArray<float>(size, pinned: true);
            nint p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            aligned = (float*)((p + 63) & ~(nint)63);
        }
        return aligned;
    }
}
