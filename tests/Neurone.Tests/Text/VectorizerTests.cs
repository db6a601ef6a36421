using Neurone.Text;

namespace Neurone.Tests.Text;

public class VectorizerTests
{
    [Fact]
    public void MultiHotMarksEachIdOnceSkipsPaddingAndCountsOnRequest()
    {
        int[][] seqs = [[2, 3, 2, 0], [1]];
        var m = MultiHot.Encode(seqs, 5);
        Assert.Equal([2, 5], m.Shape);
        Assert.Equal([0f, 0, 1, 1, 0, 0, 1, 0, 0, 0], m.ToArray());
        Assert.Equal([0f, 0, 2, 1, 0, 0, 1, 0, 0, 0], MultiHot.Encode(seqs, 5, counts: true).ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MultiHot.Encode([[7]], 5));
        Assert.Contains("id 7", e.Message);
    }

    [Fact]
    public void NGramsAreCountedNumberedByFrequencyAndNamedBack()
    {
        // ids: 2 = "not", 3 = "good", 4 = "bad"
        int[][] train = [[2, 3, 2, 3], [2, 4], [3]];
        var ng = NGramVectorizer.Fit(train, vocabularySize: 5, maxN: 2);
        // unigrams: 2 x3, 3 x3, 4 x1; bigrams: (2,3) x2, (3,2) x1, (2,4) x1
        Assert.Equal(6, ng.Count);
        var names = Enumerable.Range(0, ng.Count).Select(f => string.Join(" ", ng.IdsOf(f))).ToArray();
        Assert.Equal(["2", "3", "2 3", "4", "2 4", "3 2"], names); // ties by key: unigrams before bigrams, then by ids
        Assert.Equal([0, 1, 2], ng.Features([2, 3, 0, 9 - 9]));
        Assert.Equal([(0, 2), (1, 1), (2, 1), (5, 1)], ng.Counted([2, 3, 2]));
        var dense = ng.Transform([[2, 3, 2]], NGramWeighting.Count);
        Assert.Equal([2f, 1, 1, 0, 0, 1], dense.ToArray());
        Assert.Equal([1f, 1, 1, 0, 0, 1], ng.Transform([[2, 3, 2]]).ToArray());
        var tfidf = ng.Transform([[2, 3, 2]], NGramWeighting.TfIdf).ToArray();
        Assert.Equal(1.0, Math.Sqrt(tfidf.Sum(x => (double)x * x)), 5);
        // "2" appears in 2 of 3 documents, "3 2" in 1: rarer n-grams weigh more per occurrence.
        Assert.True(tfidf[5] > tfidf[0] / 2);
        var pruned = NGramVectorizer.Fit(train, 5, maxN: 2, minDocuments: 2);
        Assert.Equal(2, pruned.Count);
        Assert.Equal(3, NGramVectorizer.Fit(train, 5, maxN: 3, maxFeatures: 3).Count);
        var tri = NGramVectorizer.Fit([[2, 3, 4]], 5, maxN: 3);
        Assert.Contains(Enumerable.Range(0, tri.Count), f => tri.IdsOf(f).SequenceEqual([2, 3, 4]));
    }
}
