using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Embeddings;
using AiAspire.RagService.Retrieval;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Qdrant.Client;

namespace AiAspire.RagService;

public static class Extensions
{
    /// <summary>Folder of the embedded vector store (AppHost sets <c>Rag__DataPath</c>); defaults to <c>data/</c> under the content root.</summary>
    public const string DataPathKey = "Rag:DataPath";

    /// <summary>The Redis connection (AppHost's <c>cache</c>) that keeps ingestion job status; optional.</summary>
    public const string CacheConnectionName = "cache";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ChunkingOptions>().BindConfiguration(ChunkingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddingOptions>().BindConfiguration(EmbeddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddedIndexOptions>().BindConfiguration(EmbeddedIndexOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<IDocumentChunker, StructuredTextChunker>();

        services.AddSingleton<MiniLmEmbeddingGenerator>();
        var provider = builder.Configuration[$"{EmbeddingOptions.Section}:{nameof(EmbeddingOptions.Provider)}"] ?? EmbeddingOptions.MiniLm;
        if (provider == EmbeddingOptions.MiniLm)
        {
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
            services.AddSingleton<EmbeddingWarmupService>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddingWarmupService>());
            services.AddHealthChecks().AddCheck<EmbeddingModelHealthCheck>("embedding-model");
        }
        else
        {
            // OpenAI or Azure OpenAI (validated on start): collections are keyed by its model id, apart from MiniLM's.
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
                ProviderEmbeddingGenerator.Create(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmbeddingOptions>>().Value));
        }
        services.AddExceptionHandler<EmbeddingProviderExceptionHandler>();

        var dataPath = builder.Configuration[DataPathKey] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.Environment.ContentRootPath, "data");
        // ConnectionStrings:vectors (Qdrant, "Endpoint=…;Key=…") selects Qdrant; without it the embedded index serves.
        if (builder.Configuration.GetConnectionString("vectors") is { Length: > 0 } vectors)
        {
            var connection = QdrantConnection.Parse(vectors);
            services.AddSingleton<IQdrantClient>(sp => new QdrantClient(connection.Endpoint, connection.ApiKey, loggerFactory: sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<IVectorStore, QdrantVectorStore>();
        }
        else
        {
            services.AddSingleton<IVectorStore>(sp => new EmbeddedVectorStore(dataPath, sp.GetRequiredService<ILogger<EmbeddedVectorStore>>(),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<EmbeddedIndexOptions>>().Value));
        }

        services.AddSingleton<DocumentIngestor>();
        // ConnectionStrings:cache (Redis) keeps ingestion job status where every replica can read it and a restart keeps it.
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(CacheConnectionName)))
        {
            builder.AddRedisClient(CacheConnectionName);
            services.AddSingleton<IIngestionJobStore, RedisIngestionJobStore>();
        }
        else
        {
            services.AddSingleton<IIngestionJobStore, InMemoryIngestionJobStore>();
        }
        services.AddSingleton<IngestionQueue>();
        services.AddSingleton<IngestionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionWorker>());
        services.AddSingleton<Retriever>();
        return builder;
    }
}
