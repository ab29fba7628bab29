using System.Text;
using System.Text.RegularExpressions;

namespace AiAspire.Contracts.Router;

/// <summary>A retrieved passage as it is placed in a prompt: numbered for citation.</summary>
public sealed record ContextPassage(int Number, string Source, string Text);

/// <summary>
/// The one format in which retrieved context travels inside a system message, written by the orchestrator and
/// read back by the offline model: <c>&lt;context&gt;</c>, then per passage a line <c>[n] source: …</c> and its text.
/// </summary>
public static partial class ContextPassages
{
    public const string Instruction =
        "Answer using only the numbered context passages below. Cite each passage you use as [n]. " +
        "If they do not contain the answer, say so plainly.";

    private const string Open = "<context>";
    private const string Close = "</context>";

    public static string Render(IEnumerable<ContextPassage> passages)
    {
        var text = new StringBuilder(Instruction).Append('\n').Append(Open).Append('\n');
        foreach (var passage in passages)
        {
            text.Append('[').Append(passage.Number).Append("] source: ").Append(OneLine(passage.Source)).Append('\n')
                .Append(Neutralize(passage.Text)).Append('\n');
        }
        return text.Append(Close).ToString();
    }

    /// <summary>The passages in <paramref name="systemText"/>, or an empty list when it carries no context block.</summary>
    public static IReadOnlyList<ContextPassage> Parse(string systemText)
    {
        var start = systemText.IndexOf(Open, StringComparison.Ordinal);
        var end = systemText.LastIndexOf(Close, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            return [];
        }

        var block = systemText.AsSpan(start + Open.Length, end - start - Open.Length).ToString();
        var headers = HeaderLine().Matches(block);
        var passages = new List<ContextPassage>(headers.Count);
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            var textStart = header.Index + header.Length;
            var textEnd = i + 1 < headers.Count ? headers[i + 1].Index : block.Length;
            passages.Add(new ContextPassage(
                int.Parse(header.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture),
                header.Groups[2].Value.Trim(),
                block[textStart..textEnd].Trim()));
        }
        return passages;
    }

    /// <summary>
    /// A passage's text can neither close the block nor forge a passage: a closing tag is broken and a line shaped
    /// like a passage header is indented, so documents cannot fake citations.
    /// </summary>
    private static string Neutralize(string text) =>
        HeaderLine().Replace(text.Replace(Close, "</ context>", StringComparison.Ordinal).Trim(), " $0");

    private static string OneLine(string value) => value.ReplaceLineEndings(" ").Trim();

    [GeneratedRegex(@"^\[(\d{1,4})\] source: (.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HeaderLine();
}
