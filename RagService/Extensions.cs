using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Embeddings;
using AiAspire.RagService.Retrieval;
using AiAspire.RagService.Stores;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiAspire.RagService;

public static partial class Extensions
{
    /// <summary>Folder of the embedded vector store (AppHost sets <c>Rag__DataPath</c>); defaults to <c>data/</c> under the content root.</summary>
    public const string DataPathKey = "Rag:DataPath";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ChunkingOptions>().BindConfiguration(ChunkingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddingOptions>().BindConfiguration(EmbeddingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<IDocumentChunker, StructuredTextChunker>();

        services.AddSingleton<MiniLmEmbeddingGenerator>();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        services.AddSingleton<EmbeddingWarmupService>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddingWarmupService>());
        services.AddHealthChecks().AddCheck<EmbeddingModelHealthCheck>("embedding-model");

        var dataPath = builder.Configuration[DataPathKey] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.Environment.ContentRootPath, "data");
        services.AddSingleton<IVectorStore>(sp =>
        {
            if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString("vectors")))
            {
                LogQdrantNotYet(sp.GetRequiredService<ILogger<EmbeddedVectorStore>>());
            }
            return new EmbeddedVectorStore(dataPath, sp.GetRequiredService<ILogger<EmbeddedVectorStore>>());
        });

        services.AddSingleton<DocumentIngestor>();
        services.AddSingleton<Retriever>();
        return builder;
    }

    [LoggerMessage(LogLevel.Warning, "ConnectionStrings:vectors is set, but this build has only the embedded vector store; using it")]
    private static partial void LogQdrantNotYet(ILogger logger);
}
