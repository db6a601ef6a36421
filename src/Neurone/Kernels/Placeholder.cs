namespace Neurone.Kernels; internal static class Placeholder {}
