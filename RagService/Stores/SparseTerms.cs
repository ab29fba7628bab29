using System.Text;

namespace AiAspire.RagService.Stores;

/// <summary>
/// BM25 as Qdrant computes it: a chunk is a sparse vector of its terms (hashed to 32-bit indices) weighted by saturated term
/// frequency; Qdrant multiplies by IDF (the collection's <c>Modifier.Idf</c>) at query time, and a query weighs each term 1.
/// </summary>
public static class SparseTerms
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    /// <summary>Chunk length (in terms) assumed average, as Qdrant cannot know the collection's: near the chunker's default size.</summary>
    public const float AverageLength = 120;

    public static (float[] Values, uint[] Indices) ForDocument(string text)
    {
        var terms = KeywordTokenizer.Tokenize(text);
        var norm = K1 * (1 - B + (B * terms.Count / AverageLength));
        var frequencies = new SortedDictionary<uint, int>();
        foreach (var term in terms)
        {
            var index = IndexOf(term);
            frequencies[index] = frequencies.GetValueOrDefault(index) + 1;
        }
        return ([.. frequencies.Values.Select(tf => tf * (K1 + 1) / (tf + norm))], [.. frequencies.Keys]);
    }

    public static (float[] Values, uint[] Indices) ForQuery(string query)
    {
        var indices = KeywordTokenizer.Tokenize(query).Select(IndexOf).Distinct().Order().ToArray();
        return ([.. indices.Select(_ => 1f)], indices);
    }

    /// <summary>FNV-1a of the UTF-8 term: stable across processes and versions, unlike <see cref="string.GetHashCode()"/>.</summary>
    public static uint IndexOf(string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(term))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }
        return hash;
    }
}
