using System.Text.RegularExpressions;

namespace AiAspire.RagService.Chunking;

/// <summary>Cuts text into approximate tokens and marks the paragraph, sentence and line breaks between them.</summary>
internal static partial class WordSplitter
{
    /// <summary>Longer runs (URLs, hashes, base64) are split so that they count as several tokens, as a tokenizer would.</summary>
    public const int MaxPieceLength = 24;

    public static List<Word> Split(string text, int start, int end)
    {
        var pieces = new List<(int Start, int End)>();
        foreach (var match in Piece().EnumerateMatches(text.AsSpan(start, end - start)))
        {
            for (var offset = 0; offset < match.Length; offset += MaxPieceLength)
            {
                var pieceStart = start + match.Index + offset;
                pieces.Add((pieceStart, pieceStart + Math.Min(MaxPieceLength, match.Length - offset)));
            }
        }

        var words = new List<Word>(pieces.Count);
        for (var i = 0; i < pieces.Count; i++)
        {
            var boundary = i == pieces.Count - 1
                ? Boundary.Paragraph
                : BoundaryBetween(text, pieces[i], pieces[i + 1]);
            words.Add(new Word(pieces[i].Start, pieces[i].End, boundary));
        }
        return words;
    }

    private static Boundary BoundaryBetween(string text, (int Start, int End) word, (int Start, int End) next)
    {
        var gap = text.AsSpan(word.End, next.Start - word.End);
        var newlines = gap.Count('\n');
        if (newlines >= 2)
        {
            return Boundary.Paragraph;
        }
        if (EndsSentence(text.AsSpan(word.Start, word.End - word.Start), text[next.Start], gap.Length > 0))
        {
            return Boundary.Sentence;
        }
        return newlines == 1 ? Boundary.Line : Boundary.None;
    }

    /// <summary>A terminal mark (optionally closed by quotes or brackets) not followed by a lower-case word: "e.g. this" goes on.</summary>
    private static bool EndsSentence(ReadOnlySpan<char> word, char nextFirst, bool spaced)
    {
        var trimmed = word.TrimEnd("\"')]}”’»");
        if (trimmed.IsEmpty)
        {
            return false;
        }
        return trimmed[^1] switch
        {
            '。' or '！' or '？' => true,
            '.' or '!' or '?' or '…' => spaced && !char.IsLower(nextFirst),
            _ => false,
        };
    }

    /// <summary>A single CJK character, or a run of other non-space characters.</summary>
    [GeneratedRegex(@"[\p{IsCJKUnifiedIdeographs}\p{IsHiragana}\p{IsKatakana}]|[^\s\p{IsCJKUnifiedIdeographs}\p{IsHiragana}\p{IsKatakana}]+")]
    private static partial Regex Piece();
}
