using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiAspire.Contracts.Events;
using AiAspire.EventBus;
using AiAspire.FeedbackWorker.Projections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.FeedbackWorker.Datasets;

/// <summary>
/// Writes a tenant's retraining dataset: the masked interactions rated up, or corrected (the correction then is the
/// assistant's answer), as OpenAI chat fine-tuning JSONL, with a manifest (count, range, filter, sha256) beside it.
/// Each export is a new version in its own folder; nothing is overwritten.
/// </summary>
public sealed partial class DatasetExporter(
    IConnectionMultiplexer redis,
    IEventPublisher publisher,
    IOptions<DatasetOptions> options,
    TimeProvider time,
    ILogger<DatasetExporter> logger)
{
    public const string Filter = "rating=up or corrected";
    private const string DataFile = "dataset.jsonl";
    private const string ManifestFile = "manifest.json";
    private const int Chunk = 500;

    public async Task<DatasetExported> ExportAsync(string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var ids = await db.SortedSetRangeByScoreAsync(QualityKeys.Interactions(tenant), from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(),
            Exclude.Stop, Order.Descending, 0, options.Value.MaxInteractions).WaitAsync(cancellationToken);
        Array.Reverse(ids); // oldest first in the file

        var now = time.GetUtcNow();
        var datasetId = $"{now.UtcDateTime:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var folder = System.IO.Path.Combine(TenantFolder(tenant), datasetId);
        Directory.CreateDirectory(folder);
        var count = 0;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var temporary = System.IO.Path.Combine(folder, DataFile + ".tmp");
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            foreach (var chunk in ids.Chunk(Chunk))
            {
                var interactions = await db.StringGetAsync([.. chunk.Select(id => (RedisKey)QualityKeys.Interaction(tenant, id.ToString()))]).WaitAsync(cancellationToken);
                var ratings = await db.StringGetAsync([.. chunk.Select(id => (RedisKey)QualityKeys.Rating(tenant, id.ToString()))]).WaitAsync(cancellationToken);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (ToExample(interactions[i], ratings[i]) is not { } example)
                    {
                        continue;
                    }
                    var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(example, DatasetsJsonContext.Default.FineTuningExample) + "\n");
                    await file.WriteAsync(line, cancellationToken);
                    sha.AppendData(line);
                    count++;
                }
            }
            await file.FlushAsync(cancellationToken);
        }
        File.Move(temporary, System.IO.Path.Combine(folder, DataFile));

        var manifest = new DatasetExported(datasetId, tenant, count, from, to, Filter, Convert.ToHexStringLower(sha.GetHashAndReset()), now);
        await File.WriteAllTextAsync(System.IO.Path.Combine(folder, ManifestFile),
            JsonSerializer.Serialize(manifest, EventsJsonContext.Default.DatasetExported), cancellationToken);
        publisher.Publish(manifest);
        LogExported(datasetId, tenant, count);
        return manifest;
    }

    /// <summary>The tenant's datasets, newest first.</summary>
    public async Task<IReadOnlyList<DatasetExported>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        var root = TenantFolder(tenant);
        if (!Directory.Exists(root))
        {
            return [];
        }
        var manifests = new List<DatasetExported>();
        foreach (var path in Directory.EnumerateFiles(root, ManifestFile, SearchOption.AllDirectories).Take(10_000))
        {
            if (JsonSerializer.Deserialize(await File.ReadAllTextAsync(path, cancellationToken), EventsJsonContext.Default.DatasetExported) is { } manifest)
            {
                manifests.Add(manifest);
            }
        }
        return [.. manifests.OrderByDescending(m => m.DatasetId, StringComparer.Ordinal)];
    }

    /// <summary>The JSONL file of one of the tenant's datasets, or null when there is none by that id.</summary>
    public string? DataFileOf(string tenant, string datasetId)
    {
        if (!DatasetIdPattern().IsMatch(datasetId))
        {
            return null;
        }
        var path = System.IO.Path.Combine(TenantFolder(tenant), datasetId, DataFile);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Only well-formed ids reach the file system: no path can be smuggled in.</summary>
    public static bool IsDatasetId(string value) => DatasetIdPattern().IsMatch(value);

    private static FineTuningExample? ToExample(RedisValue interactionJson, RedisValue ratingJson)
    {
        if (interactionJson.IsNull || ratingJson.IsNull)
        {
            return null;
        }
        var interaction = JsonSerializer.Deserialize((string)interactionJson!, EventsJsonContext.Default.InteractionCaptured);
        var rating = JsonSerializer.Deserialize((string)ratingJson!, DatasetsJsonContext.Default.RatingRecord);
        if (interaction is null || rating is null)
        {
            return null;
        }
        var answer = !string.IsNullOrWhiteSpace(rating.Correction) ? rating.Correction
            : rating.Rating == FeedbackRatings.Up ? interaction.Response
            : null;
        return answer is null ? null : new FineTuningExample([.. interaction.Messages, new MaskedMessage("assistant", answer)]);
    }

    // A digest of the tenant names its folder: no tenant name can collide with another's or escape the folder.
    private string TenantFolder(string tenant) =>
        System.IO.Path.Combine(options.Value.Path!, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant))));

    [GeneratedRegex("^[0-9]{14}-[0-9a-f]{8}$")]
    private static partial Regex DatasetIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Exported dataset {DatasetId} for tenant {Tenant}: {Count} examples")]
    private partial void LogExported(string datasetId, string tenant, int count);
}
