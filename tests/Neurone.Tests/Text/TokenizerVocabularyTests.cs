using Neurone.Tensors;
using Neurone.Text;

namespace Neurone.Tests.Text;

public class TokenizerVocabularyTests
{
    static List<string> Tok(string s, bool lower = true) => ((ITokenizer)new WordTokenizer(lower)).Tokenize(s);

    [Fact]
    public void WordTokenizerLowercasesRemovesLineBreaksAndSplitsPunctuation()
    {
        Assert.Equal(["this", "movie", "was", "great", "!", "!", "i", "loved", "it", "."],
            Tok("This movie was GREAT!!<br /><br />I loved it."));
        Assert.Equal(["a", "b", "c", "d"], Tok("a<br/>b<BR>c<br  />d"));
        Assert.Equal(["well", "-", "made", ",", "7", ".", "5", "/", "10"], Tok("Well-made, 7.5/10"));
        Assert.Equal(["Hello", "World"], Tok("Hello World", lower: false));
    }

    [Fact]
    public void ApostrophesInsideWordsStayAndOthersArePunctuation()
    {
        Assert.Equal(["don't", "it's", "o'clock"], Tok("Don't it’s o'clock"));
        Assert.Equal(["'", "quoted", "'", "students", "'"], Tok("'quoted' students'"));
        Assert.Equal(["café", "naïve", "東京"], Tok("Café naïve 東京"));
        Assert.Empty(Tok("  \n\t "));
        Assert.Equal(["<", "b", ">", "x"], Tok("<b>x"));
    }

    [Fact]
    public void VocabularyOrdersByCountThenOrdinalAndReservesPaddingAndUnknown()
    {
        var docs = new List<IReadOnlyList<string>> { Tok("b a c a b a d"), Tok("e c") };
        var v = Vocabulary.Build(docs);
        Assert.Equal(["<pad>", "<unk>", "a", "b", "c", "d", "e"], v.Tokens);
        Assert.Equal(Vocabulary.PaddingId, v.IdOf("<pad>"));
        Assert.Equal(Vocabulary.UnknownId, v.IdOf("zzz"));
        var small = Vocabulary.Build(docs, minCount: 2, maxSize: 4);
        Assert.Equal(["<pad>", "<unk>", "a", "b"], small.Tokens);
        Assert.Equal([2, 3, 1, 1], small.Encode(Tok("a b c zzz")));
        Assert.Equal(["a", "<unk>"], small.Decode([0, 2, 1, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => small.Decode([9]));
    }

    [Fact]
    public void VocabularyRoundTripsThroughJsonAndFile()
    {
        var v = Vocabulary.Build([Tok("the \"quoted\" word, ünïcode and the end")]);
        var back = Vocabulary.FromJson(v.ToJson());
        Assert.Equal(v.Tokens, back.Tokens);
        using var tmp = new TempFolder();
        v.Save(tmp["vocab.json"]);
        Assert.Equal(v.Tokens, Vocabulary.Load(tmp["vocab.json"]).Tokens);
        File.WriteAllText(tmp["bad.json"], "{\"format\":\"other\"}");
        var e = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(tmp["bad.json"]));
        Assert.Contains("bad.json", e.Message);
        var dup = Assert.Throws<InvalidDataException>(() => Vocabulary.FromJson("{\"format\":\"neurone.vocabulary\",\"version\":1,\"tokens\":[\"<pad>\",\"<unk>\",\"a\",\"a\"]}"));
        Assert.Contains("twice", dup.Message);
    }

    [Fact]
    public void VocabularyAndTokenizerTravelInsideAModelFile()
    {
        var v = Vocabulary.Build([Tok("good bad good")]);
        var model = new Neurone.Nn.Sequential(new Neurone.Nn.Linear(3, 1, rng: new Rng(1)));
        using var tmp = new TempFolder();
        string path = tmp["model.safetensors"];
        Neurone.Training.Model.SaveWithMetadata(model, path, TextMetadata.Create(v, new WordTokenizer(lowercase: false)));
        var meta = Neurone.Training.Model.ReadMetadata(path);
        Assert.Equal(v.Tokens, TextMetadata.ReadVocabulary(meta, path).Tokens);
        var tok = Assert.IsType<WordTokenizer>(TextMetadata.ReadTokenizer(meta, path));
        Assert.False(tok.Lowercase);
        // The model itself still loads as before.
        var loaded = Neurone.Training.Model.Load(path);
        Assert.Equal(model.StateDict().Count(), loaded.StateDict().Count());
        Neurone.Training.Model.Save(model, tmp["plain.safetensors"]);
        var e = Assert.Throws<InvalidDataException>(() => TextMetadata.ReadVocabulary(Neurone.Training.Model.ReadMetadata(tmp["plain.safetensors"]), "plain"));
        Assert.Contains("no vocabulary", e.Message);
        Assert.Null(TextMetadata.ReadTokenizer(new Dictionary<string, string>()));
    }

    [Fact]
    public void PaddingFollowsPyTorchByDefaultAndKerasOnRequest()
    {
        int[][] seqs = [[5, 6, 7], [8], []];
        var (ids, lengths) = Sequences.Pad(seqs);
        Assert.Equal([3, 3], ids.Shape);
        Assert.Equal([5L, 6, 7, 8, 0, 0, 0, 0, 0], ids.ToLongArray());
        Assert.Equal([3L, 1, 0], lengths.ToLongArray());
        var (cut, cutLen) = Sequences.Pad(seqs, maxLength: 2);
        Assert.Equal([5L, 6, 8, 0, 0, 0], cut.ToLongArray());
        Assert.Equal([2L, 1, 0], cutLen.ToLongArray());
        var (keras, _) = Sequences.Pad(seqs, maxLength: 2, padding: Side.Pre, truncating: Side.Pre);
        Assert.Equal([6L, 7, 0, 8, 0, 0], keras.ToLongArray());
        var mask = Sequences.Mask(cutLen, 2);
        Assert.Equal([true, true, true, false, false, false], mask.ToBoolArray());
        Assert.Equal([false, true, false, false], Sequences.Mask(Tensor.FromLongs([1, 0], 2), 2, Side.Pre).ToBoolArray());
    }

    [Fact]
    public void BucketBatcherGroupsSimilarLengthsCoversEverySampleAndIsSeeded()
    {
        var rng = new Rng(3);
        var lengths = new int[1000];
        for (int i = 0; i < lengths.Length; i++) lengths[i] = rng.NextInt(1, 500);
        var a = new BucketBatcher(lengths, 10, new Rng(7), poolBatches: 20).NextEpoch();
        var b = new BucketBatcher(lengths, 10, new Rng(7), poolBatches: 20).NextEpoch();
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
        var all = a.SelectMany(x => x).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 1000), all);
        // Within a batch the spread of lengths is far below the spread of the data (about 500).
        double meanSpread = a.Average(batch => batch.Max(i => lengths[i]) - batch.Min(i => lengths[i]));
        Assert.True(meanSpread < 60, $"mean spread {meanSpread}");
        var batcher = new BucketBatcher(lengths, 10, new Rng(7), poolBatches: 20);
        Assert.NotEqual(batcher.NextEpoch()[0], batcher.NextEpoch()[0]);
    }
}
