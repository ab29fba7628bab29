using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using StackExchange.Redis;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// Masked answers in Redis found by the meaning of their question. Entries live in buckets, one per tenant and per
/// everything else that changes an answer (model, parameters, system prompt, embedding model); a bucket is a list
/// capped at <see cref="SemanticCacheOptions.MaxEntriesPerBucket"/> (newest first), scanned linearly with SIMD. An
/// entry holds the unit-length embedding, the time it was stored and the normalised masked question; its answer is a
/// key of its own with the same TTL. A candidate at or above the threshold is served only if its stored question
/// passes <see cref="SameQuestion"/>, which catches what embeddings blur (other numbers, a negation, other masked
/// values).
/// </summary>
public sealed partial class SemanticCache(IConnectionMultiplexer redis, TimeProvider clock)
{
    public const string KeyPrefix = "aiaspire:orchestrator:semantic:";

    /// <summary>A candidate's similarity and stored question, for tests and logs.</summary>
    public sealed record Match(CompletionResponse Completion, double Similarity, string Question);

    public static string BucketKey(string tenant, byte[] bucket) =>
        $"{KeyPrefix}{{{Uri.EscapeDataString(tenant)}}}:{Convert.ToHexStringLower(SHA256.HashData(bucket))}";

    /// <summary>Lower case, single spaces, no surrounding punctuation: what is embedded and compared.</summary>
    public static string Normalize(string question)
    {
        var text = new StringBuilder(question.Length);
        var space = false;
        foreach (var c in question.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = text.Length > 0;
                continue;
            }
            if (space)
            {
                text.Append(' ');
                space = false;
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString().TrimEnd('?', '!', '.', ' ');
    }

    /// <summary>
    /// Whether two normalised questions may share an answer although their wording differs: the same numbers, the
    /// same negations and the same masked placeholders, in any order.
    /// </summary>
    public static bool SameQuestion(string a, string b) =>
        a == b || (Same(Numbers(), a, b) && Same(Negations(), a, b) && Same(Placeholders(), a, b));

    public async Task<Match?> FindAsync(string bucketKey, float[] embedding, string question, SemanticCacheOptions settings, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var entries = await db.ListRangeAsync(bucketKey, 0, settings.MaxEntriesPerBucket - 1).WaitAsync(settings.RedisTimeout, cancellationToken);
        var query = Unit(embedding);
        var oldest = clock.GetUtcNow() - settings.Ttl;
        var candidates = new List<(double Similarity, Entry Entry)>();
        foreach (var value in entries)
        {
            if (Entry.Read((byte[])value!) is not { } entry || entry.StoredAt < oldest || entry.Vector.Length != query.Length)
            {
                continue;
            }
            var similarity = Dot(query, entry.Vector);
            if (similarity >= settings.Threshold)
            {
                candidates.Add((similarity, entry));
            }
        }
        foreach (var (similarity, entry) in candidates.OrderByDescending(c => c.Similarity))
        {
            if (!SameQuestion(question, entry.Question))
            {
                continue;
            }
            var answer = await db.StringGetAsync(bucketKey + ":" + entry.Id).WaitAsync(settings.RedisTimeout, cancellationToken);
            if (!answer.IsNullOrEmpty)
            {
                return new Match(JsonSerializer.Deserialize((byte[])answer!, ContractsJsonContext.Default.CompletionResponse)!, similarity, entry.Question);
            }
        }
        return null;
    }

    public async Task StoreAsync(string bucketKey, float[] embedding, string question, CompletionResponse maskedCompletion, SemanticCacheOptions settings, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var entry = new Entry(id, clock.GetUtcNow(), Unit(embedding), question).Write();
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.StringSetAsync(bucketKey + ":" + id, JsonSerializer.SerializeToUtf8Bytes(maskedCompletion, ContractsJsonContext.Default.CompletionResponse), settings.Ttl);
        _ = transaction.ListLeftPushAsync(bucketKey, entry);
        _ = transaction.ListTrimAsync(bucketKey, 0, settings.MaxEntriesPerBucket - 1);
        _ = transaction.KeyExpireAsync(bucketKey, settings.Ttl);
        await transaction.ExecuteAsync().WaitAsync(settings.RedisTimeout, cancellationToken);
    }

    internal static float[] Unit(float[] vector)
    {
        var norm = Math.Sqrt(Dot(vector, vector));
        var unit = new float[vector.Length];
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                unit[i] = (float)(vector[i] / norm);
            }
        }
        return unit;
    }

    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }
        double total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }
        return total;
    }

    private static bool Same(Regex pattern, string a, string b) =>
        pattern.Matches(a).Select(m => m.Value).Order(StringComparer.Ordinal)
            .SequenceEqual(pattern.Matches(b).Select(m => m.Value).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    [GeneratedRegex(@"\d+(?:[.,]\d+)*", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\b(?:not|no|never|none|nor|without|cannot)\b|n't\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Negations();

    [GeneratedRegex(@"<[a-z][a-z0-9_]*_\d+>", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Placeholders();

    /// <summary>One bucket entry: id (24 hex chars), stored-at (Unix ms), dimensions, floats, then the question (UTF-8).</summary>
    private sealed record Entry(string Id, DateTimeOffset StoredAt, float[] Vector, string Question)
    {
        private const int IdLength = 24;

        public byte[] Write()
        {
            var question = Encoding.UTF8.GetBytes(Question);
            var bytes = new byte[IdLength + 8 + 4 + Vector.Length * 4 + question.Length];
            Encoding.ASCII.GetBytes(Id, bytes);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(IdLength), StoredAt.ToUnixTimeMilliseconds());
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(IdLength + 8), Vector.Length);
            MemoryMarshal.AsBytes(Vector.AsSpan()).CopyTo(bytes.AsSpan(IdLength + 12));
            question.CopyTo(bytes.AsSpan(IdLength + 12 + Vector.Length * 4));
            return bytes;
        }

        public static Entry? Read(byte[] bytes)
        {
            if (bytes.Length < IdLength + 12)
            {
                return null;
            }
            var dimensions = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(IdLength + 8));
            if (dimensions <= 0 || bytes.Length < IdLength + 12 + (long)dimensions * 4)
            {
                return null;
            }
            var vector = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(IdLength + 12, dimensions * 4)).ToArray();
            return new Entry(
                Encoding.ASCII.GetString(bytes, 0, IdLength),
                DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(IdLength))),
                vector,
                Encoding.UTF8.GetString(bytes.AsSpan(IdLength + 12 + dimensions * 4)));
        }
    }
}
