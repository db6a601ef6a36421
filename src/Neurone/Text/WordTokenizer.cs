using System.Globalization;
using System.Text;

namespace Neurone.Text;

/// <summary>
/// Splits text into words and punctuation, the rules a bag-of-words or word-embedding model on reviews
/// expects:
/// <list type="bullet">
/// <item>HTML line breaks (<c>&lt;br /&gt;</c>, <c>&lt;br/&gt;</c>, <c>&lt;br&gt;</c>, any case) count as spaces: IMDB
/// reviews are full of them and they carry no meaning.</item>
/// <item>With <see cref="Lowercase"/> (the default) letters are lower-cased with the invariant culture, so the
/// result does not depend on the machine's locale.</item>
/// <item>A word is a run of letters, digits and combining marks (any script). An apostrophe (' or ’) between
/// two such characters stays inside the word, written as ', so "don't", "it's" and "o’clock" are one token
/// each; an apostrophe elsewhere (quotes, "students'") is punctuation.</item>
/// <item>Every other character that is not white space is a token of its own: "great!!" gives "great", "!",
/// "!"; "well-made" gives "well", "-", "made"; "7.5/10" gives "7", ".", "5", "/", "10".</item>
/// </list>
/// Keras' <c>TextVectorization</c> default instead strips punctuation; here it is kept because "!" and "?"
/// carry sentiment and bigrams such as "not good" or "10 /" are strong features.
/// </summary>
public sealed class WordTokenizer : ITokenizer
{
    /// <summary>Whether letters are lower-cased (invariant culture).</summary>
    public bool Lowercase { get; }

    /// <summary>A tokenizer; <paramref name="lowercase"/> lower-cases letters (the default).</summary>
    public WordTokenizer(bool lowercase = true) => Lowercase = lowercase;

    /// <summary>The tokens of <paramref name="text"/>, in order.</summary>
    public List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }

    /// <inheritdoc/>
    public void Tokenize(string text, List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokens);
        var word = new StringBuilder(32);
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '<' && LineBreakLength(text, i) is int br and > 0)
            {
                Flush(word, tokens);
                i += br;
                continue;
            }
            if (IsWordChar(text, i, out int width))
            {
                for (int k = 0; k < width; k++) word.Append(Lowercase ? char.ToLowerInvariant(text[i + k]) : text[i + k]);
                i += width;
                continue;
            }
            if ((c == '\'' || c == '\u2019') && word.Length > 0 && i + 1 < text.Length && IsWordChar(text, i + 1, out _))
            {
                word.Append('\'');
                i++;
                continue;
            }
            Flush(word, tokens);
            if (char.IsWhiteSpace(c) || char.IsControl(c)) { i++; continue; }
            // Punctuation and symbols, one token each (a surrogate pair, such as an emoji, stays whole).
            int len = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            tokens.Add(len == 1 ? SingleChar(c) : text.Substring(i, 2));
            i += len;
        }
        Flush(word, tokens);
    }

    static readonly string[] Ascii = Enumerable.Range(0, 128).Select(k => ((char)k).ToString()).ToArray();

    static string SingleChar(char c) => c < 128 ? Ascii[c] : c.ToString();

    static void Flush(StringBuilder word, List<string> tokens)
    {
        if (word.Length == 0) return;
        tokens.Add(word.ToString());
        word.Clear();
    }

    // Letters, digits and combining marks, including letters outside the basic plane (a surrogate pair).
    static bool IsWordChar(string text, int i, out int width)
    {
        char c = text[i];
        width = 1;
        if (c < 128) return (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            width = 2;
            return IsWordCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1])));
        }
        return IsWordCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    static bool IsWordCategory(UnicodeCategory u) => u is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    // "<br />", "<br/>", "<br>" in any case, with any spaces before the slash; 0 when text[i..] is not one.
    static int LineBreakLength(string text, int i)
    {
        int j = i + 1;
        if (j + 1 >= text.Length || (text[j] | 0x20) != 'b' || (text[j + 1] | 0x20) != 'r') return 0;
        j += 2;
        while (j < text.Length && text[j] == ' ') j++;
        if (j < text.Length && text[j] == '/') j++;
        return j < text.Length && text[j] == '>' ? j + 1 - i : 0;
    }
}
