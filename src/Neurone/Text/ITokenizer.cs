namespace Neurone.Text;

/// <summary>
/// Turns a text into tokens. The pipeline (vocabulary, vectorizers, padding) only needs this, so any
/// tokenizer can be plugged in: <see cref="WordTokenizer"/> here, or a subword tokenizer wrapped in a few
/// lines. <see cref="Tokenize(string, List{string})"/> appends into a caller's list so a loop over many
/// texts can reuse one list.
/// </summary>
public interface ITokenizer
{
    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    void Tokenize(string text, List<string> tokens);

    /// <summary>The tokens of <paramref name="text"/>, in order.</summary>
    List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }
}
