using System.Collections.Immutable;

namespace AiAspire.RagService.Stores;

/// <summary>A document with its chunks, vectors unit-length and owned by the store.</summary>
internal sealed record DocumentEntry(StoredDocument Document, ImmutableArray<StoredChunk> Chunks)
{
    public CollectionKey Key => new(Document.Collection, Document.EmbeddingModel);

    private IReadOnlyList<string>[]? _terms;

    public int Dimensions => Chunks.IsEmpty ? 0 : Chunks[0].Vector.Length;

    /// <summary>
    /// The keyword terms of each chunk (heading path and text), tokenized once per entry: a collection's BM25 index is
    /// built from them whenever its nodes are laid out again, and re-tokenizing unchanged documents would dominate that. Each distinct term is held once
    /// per document, as words repeat. A racing first read computes it twice, harmlessly.
    /// </summary>
    public IReadOnlyList<string>[] Terms => _terms ??= Tokenize(Chunks);

    private static IReadOnlyList<string>[] Tokenize(ImmutableArray<StoredChunk> chunks)
    {
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        var terms = new IReadOnlyList<string>[chunks.Length];
        for (var i = 0; i < chunks.Length; i++)
        {
            var chunk = chunks[i];
            var tokens = KeywordTokenizer.Tokenize(chunk.HeadingPath is null ? chunk.Text : chunk.HeadingPath + "\n" + chunk.Text);
            for (var t = 0; t < tokens.Count; t++)
            {
                if (!pool.TryGetValue(tokens[t], out var shared))
                {
                    pool[tokens[t]] = shared = tokens[t];
                }
                tokens[t] = shared;
            }
            terms[i] = tokens.ToArray();
        }
        return terms;
    }
}
