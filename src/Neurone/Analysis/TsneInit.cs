namespace Neurone.Analysis;

/// <summary>How <see cref="Tsne"/> places the points before optimising (scikit-learn's <c>init</c>).</summary>
public enum TsneInit
{
    /// <summary>The first two principal components, scaled so the first has standard deviation 1e-4 (scikit-learn's default since 1.2).</summary>
    Pca,
    /// <summary>Independent normal coordinates with standard deviation 1e-4 from the seeded generator.</summary>
    Random,
}
