using Neurone.Kernels;

namespace Neurone.Tests.Kernels;

public class SimdLevelTests
{
    /// <summary>
    /// .ci/run repeats the suite with DOTNET_EnableAVX512=0 and DOTNET_EnableHWIntrinsic=0 so that the kernels which
    /// pick their path from the CPU run their other paths. If the runtime stopped honouring a switch (a renamed knob),
    /// those runs would quietly repeat the first; this fails them instead.
    /// </summary>
    [Fact]
    public void SwitchedOffInstructionSetsAreNotUsed()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0")
            Assert.Equal(SimdLevel.Scalar, Simd.Best);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
        {
            Assert.NotEqual(SimdLevel.Vector512, Simd.Best);
            Assert.False(System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        }
    }
}
