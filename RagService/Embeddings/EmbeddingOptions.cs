using System.ComponentModel.DataAnnotations;

namespace AiAspire.RagService.Embeddings;

public sealed class EmbeddingOptions : IValidatableObject
{
    public const string Section = "Rag:Embeddings";

    public const string MiniLm = "minilm";
    public const string OpenAI = "openai";
    public const string AzureOpenAI = "azure-openai";

    /// <summary><c>minilm</c> (the local model, default), <c>openai</c> (or an OpenAI-compatible server at <see cref="Endpoint"/>) or <c>azure-openai</c>.</summary>
    [RegularExpression("^(minilm|openai|azure-openai)$")]
    public string Provider { get; set; } = MiniLm;

    /// <summary>The provider's base address: required for Azure OpenAI (<c>https://NAME.openai.azure.com/</c>); optional for OpenAI.</summary>
    [Url]
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The provider's model (OpenAI) or deployment name (Azure OpenAI), e.g. <c>text-embedding-3-small</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Vector length to ask the provider for (text-embedding-3 models can shorten); null takes the model's own.</summary>
    [Range(1, 16_384)]
    public int? Dimensions { get; set; }

    /// <summary>Most inputs per provider call; larger batches are split.</summary>
    [Range(1, 2_048)]
    public int ProviderBatchSize { get; set; } = 128;

    /// <summary>Retries of a provider call that failed with 408, 429 or 5xx (honouring Retry-After), with exponential back-off.</summary>
    [Range(0, 10)]
    public int ProviderMaxRetries { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Most texts per ONNX run; inputs are sorted by length first so a batch pads little.</summary>
    [Range(1, 512)]
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Most word pieces per ONNX run, padding included: long chunks run faster in small batches (attention grows with
    /// the square of the length), short queries in large ones. Measured here: 256-piece chunks best at 4 to 8 a batch.
    /// </summary>
    [Range(512, 1_000_000)]
    public int BatchTokenBudget { get; set; } = 2_048;

    /// <summary>
    /// ONNX Runtime threads per MiniLM run (intra-op); 0 takes ONNX Runtime's default, one per core. Read when the model
    /// loads. One thread costs the least CPU per query and leaves the other cores to concurrent requests; more threads
    /// shorten a single run on idle cores.
    /// </summary>
    [Range(0, 256)]
    public int OnnxThreads { get; set; } = 1;

    /// <summary>
    /// Whether ONNX Runtime's worker threads spin-wait for work between runs (its default): a little lower latency on
    /// idle cores, CPU burnt that concurrent requests and other services need on busy ones. Read when the model loads.
    /// </summary>
    public bool OnnxSpinning { get; set; }

    /// <summary>
    /// Most ONNX runs (batches) of one call at a time: with one thread per run, a document of several batches still uses
    /// every core. A single query is one run whatever this says.
    /// </summary>
    [Range(1, 256)]
    public int ParallelBatches { get; set; } = Environment.ProcessorCount;

    /// <summary>Most inputs one <c>/v1/embeddings</c> call may carry.</summary>
    [Range(1, 4096)]
    public int MaxInputs { get; set; } = 256;

    /// <summary>Longest single input of <c>/v1/embeddings</c>, in characters (the model reads only its first 512 word pieces).</summary>
    [Range(1, 1_000_000)]
    public int MaxInputChars { get; set; } = 32_768;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == MiniLm)
        {
            yield break;
        }
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return new ValidationResult($"Provider {Provider} needs {Section}:ApiKey.", [nameof(ApiKey)]);
        }
        if (string.IsNullOrWhiteSpace(Model))
        {
            yield return new ValidationResult($"Provider {Provider} needs {Section}:Model (the model, or the Azure deployment).", [nameof(Model)]);
        }
        if (Provider == AzureOpenAI && string.IsNullOrWhiteSpace(Endpoint))
        {
            yield return new ValidationResult($"Provider {AzureOpenAI} needs {Section}:Endpoint.", [nameof(Endpoint)]);
        }
    }
}
