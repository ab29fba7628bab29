using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AiAspire.RagService.Embeddings;

/// <summary>
/// OpenAI or Azure OpenAI embeddings through Microsoft.Extensions.AI: inputs split into batches of
/// <see cref="EmbeddingOptions.ProviderBatchSize"/>, 408/429/5xx retried by the SDK (Retry-After honoured), and a final failure
/// raised as <see cref="EmbeddingProviderException"/>. Its model id — the key collections are stored under — names the provider,
/// the model and any requested length (<c>openai/text-embedding-3-small</c>, <c>azure-openai/DEPLOYMENT@256</c>), so vectors of
/// different models or sizes never meet in a search.
/// </summary>
public sealed class ProviderEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingOptions _options;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public ProviderEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, EmbeddingOptions options)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        ModelId = ModelIdFor(options);
        _metadata = new EmbeddingGeneratorMetadata(options.Provider, options.Endpoint is null ? null : new Uri(options.Endpoint), ModelId, options.Dimensions);
    }

    /// <summary>The id collections are keyed by.</summary>
    public string ModelId { get; }

    public static string ModelIdFor(EmbeddingOptions options) =>
        $"{options.Provider}/{options.Model}" + (options.Dimensions is { } dimensions ? $"@{dimensions}" : "");

    /// <summary>The SDK client for the configured provider, its retries and timeout set from <paramref name="options"/>.</summary>
    public static ProviderEmbeddingGenerator Create(EmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var retry = new ClientRetryPolicy(options.ProviderMaxRetries);
        var credential = new ApiKeyCredential(options.ApiKey!);
        OpenAI.Embeddings.EmbeddingClient client;
        if (options.Provider == EmbeddingOptions.AzureOpenAI)
        {
            client = new AzureOpenAIClient(new Uri(options.Endpoint!), credential,
                    new AzureOpenAIClientOptions { RetryPolicy = retry, NetworkTimeout = options.ProviderTimeout })
                .GetEmbeddingClient(options.Model);
        }
        else
        {
            var settings = new OpenAIClientOptions { RetryPolicy = retry, NetworkTimeout = options.ProviderTimeout };
            if (options.Endpoint is not null)
            {
                settings.Endpoint = new Uri(options.Endpoint);
            }
            client = new OpenAIClient(credential, settings).GetEmbeddingClient(options.Model);
        }
        return new ProviderEmbeddingGenerator(client.AsIEmbeddingGenerator(options.Dimensions), options);
    }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.ModelId is { } model && model != ModelId && model != _options.Model)
        {
            throw new NotSupportedException($"This generator serves {ModelId}, not {model}.");
        }
        var request = new EmbeddingGenerationOptions { Dimensions = _options.Dimensions };
        var all = new GeneratedEmbeddings<Embedding<float>>();
        long inputTokens = 0, totalTokens = 0;
        foreach (var batch in values.Chunk(_options.ProviderBatchSize))
        {
            GeneratedEmbeddings<Embedding<float>> embedded;
            try
            {
                embedded = await base.GenerateAsync(batch, request, cancellationToken);
            }
            catch (ClientResultException ex)
            {
                throw new EmbeddingProviderException(
                    $"The embedding provider ({_options.Provider}, {_options.Model}) answered {ex.Status} after {_options.ProviderMaxRetries} retries: {ex.Message}", ex.Status, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Unreachable, or timed out (a cancellation the caller did not ask for).
                throw new EmbeddingProviderException($"The embedding provider ({_options.Provider}, {_options.Model}) could not be reached: {ex.Message}", null, ex);
            }
            if (embedded.Count != batch.Length)
            {
                throw new EmbeddingProviderException($"The embedding provider returned {embedded.Count} vectors for {batch.Length} inputs.", null);
            }
            all.AddRange(embedded);
            inputTokens += embedded.Usage?.InputTokenCount ?? 0;
            totalTokens += embedded.Usage?.TotalTokenCount ?? 0;
        }
        all.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = totalTokens };
        return all;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : base.GetService(serviceType, serviceKey);
}
