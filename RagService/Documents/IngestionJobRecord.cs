using AiAspire.Contracts.Rag;

namespace AiAspire.RagService.Documents;

/// <summary>A job's status as stored, with its owner and lease.</summary>
/// <param name="LeaseUntil">
/// The replica running (or holding) an unfinished job renews this while it lives; an unfinished job whose lease has run out
/// was interrupted by a crash and is reported as failed.
/// </param>
public sealed record IngestionJobRecord(string Tenant, IngestionJobResponse Status, DateTimeOffset LeaseUntil);
