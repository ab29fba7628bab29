using System.ComponentModel.DataAnnotations;

namespace AiAspire.RagService.Documents;

public sealed class IngestionOptions
{
    public const string Section = "Rag:Ingestion";

    /// <summary>Longest document text accepted, in characters (about 2 MB of English); longer gets 413.</summary>
    [Range(1, 100_000_000)]
    public int MaxDocumentChars { get; set; } = 2_000_000;

    [Range(0, 1024)]
    public int MaxMetadataEntries { get; set; } = 32;

    [Range(1, 65_536)]
    public int MaxMetadataValueChars { get; set; } = 2_048;

    /// <summary>Largest uploaded file accepted, in bytes; larger gets 413.</summary>
    [Range(1, 1_000_000_000)]
    public long MaxUploadBytes { get; set; } = 20_000_000;

    /// <summary>Most files in one multipart upload.</summary>
    [Range(1, 10_000)]
    public int MaxUploadFiles { get; set; } = 100;

    /// <summary>Uploads of more files than this, or of more text in total than <see cref="BackgroundThresholdChars"/>, are ingested in the background (202).</summary>
    [Range(0, 10_000)]
    public int BackgroundThresholdFiles { get; set; } = 10;

    [Range(0, 1_000_000_000)]
    public long BackgroundThresholdChars { get; set; } = 1_000_000;

    /// <summary>Background jobs waiting at most; beyond that an upload gets 503 and should retry later.</summary>
    [Range(1, 10_000)]
    public int MaxQueuedJobs { get; set; } = 32;

    /// <summary>How long a job's status stays readable after its last update (a Redis TTL when Redis keeps it).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// An unfinished job's lease: its replica renews it every quarter of this; when it runs out (the replica crashed), the
    /// job is reported as failed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan JobLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Finished jobs whose status stays readable when no Redis is configured (kept in memory).</summary>
    [Range(1, 1_000_000)]
    public int MaxRetainedJobs { get; set; } = 1_000;
}
