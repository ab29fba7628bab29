using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Chunking;

/// <summary>
/// Structure-aware chunking: markdown sections first (never crossing a heading), then windows of at most
/// <see cref="ChunkingOptions.MaxTokens"/> that end at the best break in their second half (paragraph, then sentence,
/// then line, else mid-sentence), each next window starting <see cref="ChunkingOptions.OverlapTokens"/> back, at a
/// sentence start when the overlap holds one.
/// </summary>
public sealed class StructuredTextChunker(IOptionsMonitor<ChunkingOptions> options) : IDocumentChunker
{
    public IReadOnlyList<TextChunk> Chunk(string text, DocumentContentType contentType, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var settings = options.CurrentValue;
        var sections = contentType == DocumentContentType.Markdown
            ? MarkdownSections.Split(text)
            : [new TextSection(null, 0, text.Length)];

        var chunks = new List<TextChunk>();
        foreach (var section in sections)
        {
            var words = WordSplitter.Split(text, section.Start, section.End);
            foreach (var (first, end) in Windows(words, settings.MaxTokens, settings.OverlapTokens))
            {
                var start = words[first].Start;
                var stop = words[end - 1].End;
                chunks.Add(new TextChunk(chunks.Count, text[start..stop], section.HeadingPath, source, start, stop, end - first));
            }
        }
        return chunks;
    }

    /// <summary>Windows [first, end) over <paramref name="words"/>.</summary>
    internal static IEnumerable<(int First, int End)> Windows(IReadOnlyList<Word> words, int maxTokens, int overlapTokens)
    {
        var first = 0;
        while (first < words.Count)
        {
            var end = Math.Min(first + maxTokens, words.Count);
            if (end < words.Count)
            {
                end = BestCut(words, first + Math.Max(1, maxTokens / 2), end);
            }
            yield return (first, end);
            if (end >= words.Count)
            {
                yield break;
            }

            var next = Math.Max(end - overlapTokens, first + 1);
            for (var i = next; i < end; i++)
            {
                if (words[i - 1].After >= Boundary.Sentence)
                {
                    next = i;
                    break;
                }
            }
            first = overlapTokens == 0 ? end : next;
        }
    }

    /// <summary>The end in (<paramref name="earliest"/>, <paramref name="latest"/>] after the strongest break, the latest among equals.</summary>
    private static int BestCut(IReadOnlyList<Word> words, int earliest, int latest)
    {
        var best = latest;
        var bestBoundary = Boundary.None;
        for (var end = latest; end > earliest; end--)
        {
            var boundary = words[end - 1].After;
            if (boundary > bestBoundary)
            {
                (best, bestBoundary) = (end, boundary);
                if (boundary == Boundary.Paragraph)
                {
                    break;
                }
            }
        }
        return best;
    }
}
