using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Documents;

/// <summary>One background ingestion: its documents and progress, updated by the worker, saved by <see cref="IngestionQueue"/> and read by the status endpoint.</summary>
internal sealed class IngestionJob(string id, string tenant, IReadOnlyList<DocumentToIngest> documents, DateTimeOffset createdAt)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    private readonly Lock _gate = new();
    private readonly List<IngestDocumentResponse> _done = [];
    private string _status = Queued;
    private string? _error;
    private DateTimeOffset? _finishedAt;

    public string Id { get; } = id;

    public string Tenant { get; } = tenant;

    public IReadOnlyList<DocumentToIngest> Documents { get; } = documents;

    /// <summary>Saves of this job take turns, and each saves the state current when it runs, so the last save is the latest state.</summary>
    public SemaphoreSlim SaveGate { get; } = new(1, 1);

    public void Start()
    {
        lock (_gate)
        {
            _status = Running;
        }
    }

    public void Stored(IngestDocumentResponse response)
    {
        lock (_gate)
        {
            _done.Add(response);
        }
    }

    public void Finish(DateTimeOffset at, string? error)
    {
        lock (_gate)
        {
            _status = error is null ? Succeeded : Failed;
            _error = error;
            _finishedAt = at;
        }
    }

    public IngestionJobResponse Snapshot()
    {
        lock (_gate)
        {
            return new IngestionJobResponse(Id, _status, Documents.Count, _done.Count, [.. _done], _error, createdAt, _finishedAt);
        }
    }
}
