using AiAspire.RagService;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Embeddings;
using AiAspire.RagService.Retrieval;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiAspire.RagBench;

/// <summary>The service's own registrations (chunker, MiniLM, embedded store, ingestor, retriever) over a throwaway data folder, with embeddings cached in a file.</summary>
internal sealed class BenchServices : IDisposable
{
    private readonly IHost _host;

    /// <param name="approximateSearchMinChunks">Overrides <c>Rag:EmbeddedIndex:ApproximateSearchMinChunks</c> (0: every search through HNSW).</param>
    /// <param name="settings">Further configuration, e.g. <c>Rag:Embeddings:OnnxThreads</c>.</param>
    public BenchServices(string dataPath, string cachePath, int? approximateSearchMinChunks = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration[AiAspire.RagService.Extensions.DataPathKey] = dataPath;
        if (approximateSearchMinChunks is { } threshold)
        {
            builder.Configuration["Rag:EmbeddedIndex:ApproximateSearchMinChunks"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddApplicationServices();
        builder.Services.AddSingleton(sp => new EmbeddingFileCache(sp.GetRequiredService<MiniLmEmbeddingGenerator>(), cachePath));
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<EmbeddingFileCache>());
        _host = builder.Build();
    }

    public EmbeddingFileCache Cache => _host.Services.GetRequiredService<EmbeddingFileCache>();

    /// <summary>Ingests through <see cref="Cache"/>.</summary>
    public DocumentIngestor Ingestor => _host.Services.GetRequiredService<DocumentIngestor>();

    /// <summary>Retrieves through <see cref="Cache"/>.</summary>
    public Retriever Retriever => _host.Services.GetRequiredService<Retriever>();

    /// <summary>The model itself, uncached, as the service registers it.</summary>
    public MiniLmEmbeddingGenerator MiniLm => _host.Services.GetRequiredService<MiniLmEmbeddingGenerator>();

    public IDocumentChunker Chunker => _host.Services.GetRequiredService<IDocumentChunker>();

    public IVectorStore Store => _host.Services.GetRequiredService<IVectorStore>();

    public void Dispose() => _host.Dispose();
}
