using AiAspire.RagService.Stores;
using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Documents;

/// <summary>What the documents endpoints need, bound with <c>[AsParameters]</c>.</summary>
public sealed record DocumentServices(DocumentIngestor Ingestor, IVectorStore Store, IOptionsMonitor<IngestionOptions> Options, IngestionQueue Queue);
