namespace Neurone.Analysis;

/// <summary>How <see cref="Tsne"/> computes its gradient (scikit-learn's <c>method</c>).</summary>
public enum TsneMethod
{
    /// <summary>Exact below <see cref="Tsne.ExactLimit"/> points, Barnes–Hut from there on.</summary>
    Auto,
    /// <summary>All N² pairs every iteration (van der Maaten and Hinton, 2008): O(N²) time and memory.</summary>
    Exact,
    /// <summary>Sparse nearest-neighbour affinities and a quadtree for the repulsion (van der Maaten, 2014): O(N log N).</summary>
    BarnesHut,
}
