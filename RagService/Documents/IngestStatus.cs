namespace AiAspire.RagService.Documents;

/// <summary>Values of <c>IngestDocumentResponse.Status</c>.</summary>
public static class IngestStatus
{
    public const string Created = "created";
    public const string Replaced = "replaced";
    public const string Unchanged = "unchanged";
}
