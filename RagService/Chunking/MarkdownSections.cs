using System.Text.RegularExpressions;

namespace AiAspire.RagService.Chunking;

/// <summary>
/// Splits markdown at ATX (<c>## Title</c>) and single-line setext headings, outside fenced code blocks, so that no chunk
/// straddles two sections and every chunk knows the headings above it.
/// </summary>
internal static partial class MarkdownSections
{
    public const string PathSeparator = " > ";

    public static List<TextSection> Split(string text)
    {
        var sections = new List<TextSection>();
        var headings = new List<(int Level, string Title)>();
        string? path = null;
        var sectionStart = 0;
        string? fence = null;
        Line? headingCandidate = null;
        var lastWasBlank = true;

        foreach (var line in Lines(text))
        {
            var length = line.End - line.Start;
            if (fence is not null)
            {
                if (IsClosingFence(text.AsSpan(line.Start, length), fence))
                {
                    fence = null;
                }
                (headingCandidate, lastWasBlank) = (null, false);
                continue;
            }

            var opening = OpeningFence().Match(text, line.Start, length);
            if (opening.Success)
            {
                fence = opening.Groups[1].Value;
                (headingCandidate, lastWasBlank) = (null, false);
                continue;
            }

            var atx = AtxHeading().Match(text, line.Start, length);
            if (atx.Success)
            {
                Close(line.Start);
                Push(atx.Groups[1].Length, atx.Groups[2].Value);
                sectionStart = line.Next;
                (headingCandidate, lastWasBlank) = (null, true);
                continue;
            }

            if (headingCandidate is { } title && SetextUnderline().IsMatch(text.AsSpan(line.Start, length)))
            {
                Close(title.Start);
                Push(text[line.Start..line.End].TrimStart()[0] == '=' ? 1 : 2, text[title.Start..title.End]);
                sectionStart = line.Next;
                (headingCandidate, lastWasBlank) = (null, true);
                continue;
            }

            var blank = text.AsSpan(line.Start, length).IsWhiteSpace();
            headingCandidate = !blank && lastWasBlank && !NotParagraphText().IsMatch(text.AsSpan(line.Start, length)) ? line : null;
            lastWasBlank = blank;
        }
        Close(text.Length);
        return sections;

        void Close(int end)
        {
            if (end > sectionStart && !text.AsSpan(sectionStart, end - sectionStart).IsWhiteSpace())
            {
                sections.Add(new TextSection(path, sectionStart, end));
            }
        }

        void Push(int level, string title)
        {
            while (headings.Count > 0 && headings[^1].Level >= level)
            {
                headings.RemoveAt(headings.Count - 1);
            }
            headings.Add((level, title.Trim()));
            path = string.Join(PathSeparator, headings.Select(h => h.Title).Where(t => t.Length > 0));
            if (path.Length == 0)
            {
                path = null;
            }
        }
    }

    private static bool IsClosingFence(ReadOnlySpan<char> content, string fence)
    {
        var trimmed = content.Trim();
        return trimmed.Length >= fence.Length && content.Length - content.TrimStart().Length <= 3
            && !trimmed.ContainsAnyExcept(fence[0]);
    }

    /// <summary>Lines with their start, end (before "\r\n" or "\n") and the start of the next line.</summary>
    private static IEnumerable<Line> Lines(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var next = newline < 0 ? text.Length : newline + 1;
            var end = newline < 0 ? text.Length : newline;
            if (end > start && text[end - 1] == '\r')
            {
                end--;
            }
            yield return new Line(start, end, next);
            start = next;
        }
    }

    private readonly record struct Line(int Start, int End, int Next);

    [GeneratedRegex(@"\G {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex AtxHeading();

    [GeneratedRegex(@"\G {0,3}(`{3,}|~{3,})")]
    private static partial Regex OpeningFence();

    [GeneratedRegex(@"^ {0,3}(?:=+|-+)[ \t]*$")]
    private static partial Regex SetextUnderline();

    /// <summary>Lines that cannot be the text of a setext heading: list items, quotes, tables, indented code.</summary>
    [GeneratedRegex(@"^(?: {4}|\t| {0,3}(?:[-*+>|]|\d+[.)])(?:\s|$))")]
    private static partial Regex NotParagraphText();
}
