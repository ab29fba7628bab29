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
}
