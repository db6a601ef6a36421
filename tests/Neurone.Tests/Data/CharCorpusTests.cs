using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Tests.Data;

public class CharCorpusTests
{
    const string Text = "To be, or not to be: that is the question.";

    [Fact]
    public void VocabularyIsTheSortedDistinctCharactersAndEncodingRoundTrips()
    {
        var corpus = new CharCorpus(Text);
        Assert.Equal(Text.Distinct().OrderBy(c => c, Comparer<char>.Default).ToArray(), corpus.Vocabulary.ToArray());
        Assert.Equal(Text, corpus.Decode(corpus.Encode(Text)));
        Assert.Throws<ArgumentException>(() => corpus.Encode("Z"));
    }

    [Fact]
    public void SplitIsTheFirstNinetyPercentThenTheRest()
    {
        var corpus = new CharCorpus(Text);
        int n = (int)(0.9 * Text.Length);
        Assert.Equal(Text[..n], corpus.Decode(corpus.Train.ToArray()));
        Assert.Equal(Text[n..], corpus.Decode(corpus.Validation.ToArray()));
    }

    [Fact]
    public void BatchesAreSeededWindowsWithNextCharacterTargets()
    {
        var corpus = new CharCorpus(Text);
        var (x, y) = corpus.Batch(3, 6, new Rng(4));
        var (x2, _) = corpus.Batch(3, 6, new Rng(4));
        Assert.Equal(DType.Int64, x.DType);
        Assert.Equal([3, 6], x.ShapeArray());
        Assert.Equal(x.ToLongArray(), x2.ToLongArray());
        var train = corpus.Decode(corpus.Train.ToArray());
        for (int b = 0; b < 3; b++)
        {
            string input = corpus.Decode(x.ToLongArray()[(b * 6)..(b * 6 + 6)]), target = corpus.Decode(y.ToLongArray()[(b * 6)..(b * 6 + 6)]);
            int at = train.IndexOf(input + target[^1], StringComparison.Ordinal);
            Assert.True(at >= 0, input);
            Assert.Equal(input[1..], target[..^1]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => corpus.Batch(2, 10, new Rng(1), validationSplit: true));
    }
}
