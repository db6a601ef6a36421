using System.Runtime.CompilerServices;
using System.Text;
using Neurone.Nn;
using Neurone.Nn.Functional;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Text;
using Neurone.Training;

namespace Neurone.Tests.Text;

/// <summary>The example of docs/text.md, line for line, run on a tiny generated archive; a second test checks that every line of the doc's block is here.</summary>
public class TextDocsExampleTests
{
    [Fact]
    public void TheDocsExampleTrainsSavesAndReadsRawText()
    {
        using var tmp = new TempFolder();
        string path = tmp["aclImdb_v1.tar.gz"];
        var files = new List<(string, byte[])>();
        var rng0 = new Rng(9);
        string[] good = ["wonderful", "moving", "great"], bad = ["awful", "boring", "dull"], plain = ["the", "film", "was", "a", "story"];
        foreach (var split in new[] { "train", "test" })
            for (int i = 0; i < 60; i++)
            {
                bool pos = i % 2 == 0;
                var words = Enumerable.Range(0, 12).Select(k => k % 3 == 0 ? (pos ? good : bad)[rng0.NextInt(3)] : plain[rng0.NextInt(5)]);
                files.Add(($"aclImdb/{split}/{(pos ? "pos" : "neg")}/{i}_{(pos ? 8 : 2)}.txt", Encoding.UTF8.GetBytes(string.Join(' ', words) + ".<br />")));
            }
        File.WriteAllBytes(path, ImdbTests.TarGz(files));
        string file = tmp["imdb-bag.safetensors"];
        {
            var (train, test) = Imdb.Load(path);
            var tokenizer = new WordTokenizer();
            var trainTokens = train.Texts.Select(tokenizer.Tokenize).ToList();
            var vocabulary = Vocabulary.Build(trainTokens, minCount: 2, maxSize: 20_000);
            var (ids, lengths) = Sequences.Pad(trainTokens.Select(vocabulary.Encode).ToList(), maxLength: 200);
            var y = train.LabelTensor().Float().Reshape(-1, 1);

            var rng = new Rng(1);
            var model = new Sequential(
                new EmbeddingBag(vocabulary.Count, 32, EmbeddingBagMode.Mean, paddingIndex: Vocabulary.PaddingId, rng: rng),
                new Linear(32, 1, rng: rng));
            var optimizer = new Adam(model.Parameters(), lr: 0.05);
            for (int step = 0; step < 50; step++)
            {
                var loss = F.BinaryCrossEntropyWithLogits(model.Forward(ids), y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
            }
            Model.SaveWithMetadata(model, file, TextMetadata.Create(vocabulary, tokenizer));

            // Later, in another process: raw text in, probability of a positive review out.
            var metadata = Model.ReadMetadata(file);
            var savedVocabulary = TextMetadata.ReadVocabulary(metadata);
            var savedTokenizer = TextMetadata.ReadTokenizer(metadata)!;
            var loaded = Model.Load<Sequential>(file);
            var (x, _) = Sequences.Pad(savedVocabulary.Encode(["A wonderful, moving film!"], savedTokenizer));
            float positive = loaded.Forward(x).Sigmoid().Item();

            Assert.Equal(60, test.Count);
            Assert.Equal(60L, lengths.Sum().LongItem() / 13);
            Assert.True(positive > 0.9f, $"p = {positive}");
            var (xn, _) = Sequences.Pad(savedVocabulary.Encode(["An awful, boring film."], savedTokenizer));
            Assert.True(loaded.Forward(xn).Sigmoid().Item() < 0.1f);
        }
    }

    [Fact]
    public void EveryLineOfTheDocsBlockIsInTheTest()
    {
        string here = ThisFile();
        var root = new DirectoryInfo(Path.GetDirectoryName(here)!);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Neurone.slnx"))) root = root.Parent;
        Assert.NotNull(root);
        var doc = File.ReadAllText(Path.Combine(root!.FullName, "docs", "text.md"));
        int start = doc.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var block = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
        var testLines = File.ReadAllLines(here).Select(l => l.Trim()).ToHashSet();
        foreach (var line in block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
            Assert.True(testLines.Contains(line), $"docs/text.md line not in the test: {line}");
    }

    static string ThisFile([CallerFilePath] string path = "") => path;
}
