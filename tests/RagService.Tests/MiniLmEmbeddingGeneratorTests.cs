using System.Numerics.Tensors;
using AiAspire.RagService.Embeddings;
using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Tests;

public sealed class MiniLmEmbeddingGeneratorTests
{
    [Fact]
    public async Task Batching_by_length_returns_vectors_in_input_order()
    {
        using var generator = new MiniLmEmbeddingGenerator(new TestOptionsMonitor<EmbeddingOptions>(
            new EmbeddingOptions { BatchSize = 2, BatchTokenBudget = 512 }));
        string[] texts =
        [
            "Short.",
            string.Join(" ", Enumerable.Repeat("Employees receive twenty five days of paid vacation every calendar year.", 12)),
            "Travel costs are reimbursed within thirty days.",
            "Laptops are handed out on the first day.",
            "Remote work is allowed three days a week.",
        ];

        var together = await generator.GenerateAsync(texts);

        Assert.Equal(texts.Length, together.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await generator.GenerateVectorAsync(texts[i]);
            Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, together[i].Vector.Length);
            Assert.True(TensorPrimitives.CosineSimilarity(alone.Span, together[i].Vector.Span) > 0.9999, $"input {i} came back out of place");
        }
        Assert.True(together.Usage!.InputTokenCount > 12 * 12);
        Assert.Equal(MiniLmEmbeddingGenerator.ModelId, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task Requests_for_another_model_or_size_are_refused()
    {
        using var generator = new MiniLmEmbeddingGenerator(new TestOptionsMonitor<EmbeddingOptions>(new EmbeddingOptions()));

        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" }));
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 256 }));
    }

    [Fact]
    public void Session_options_follow_the_configuration()
    {
        using (var one = MiniLmEmbeddingGenerator.CreateSessionOptions(new EmbeddingOptions()))
        {
            Assert.Equal(1, one.IntraOpNumThreads);
            Assert.Equal(1, one.InterOpNumThreads);
        }
        using (var three = MiniLmEmbeddingGenerator.CreateSessionOptions(new EmbeddingOptions { OnnxThreads = 3, OnnxSpinning = true }))
        {
            Assert.Equal(3, three.IntraOpNumThreads);
        }
        // 0 leaves ONNX Runtime's own default (a thread per core).
        using var runtimeDefault = MiniLmEmbeddingGenerator.CreateSessionOptions(new EmbeddingOptions { OnnxThreads = 0 });
        Assert.Equal(0, runtimeDefault.IntraOpNumThreads);
    }

    [Fact]
    public async Task Batches_run_side_by_side_on_a_multi_threaded_session_give_the_single_threaded_vectors_in_order()
    {
        using var parallel = new MiniLmEmbeddingGenerator(new TestOptionsMonitor<EmbeddingOptions>(
            new EmbeddingOptions { BatchSize = 1, ParallelBatches = 3, OnnxThreads = 2, OnnxSpinning = true }));
        using var sequential = new MiniLmEmbeddingGenerator(new TestOptionsMonitor<EmbeddingOptions>(
            new EmbeddingOptions { ParallelBatches = 1 }));
        string[] texts =
        [
            "Refunds are issued within fourteen days.",
            "The cafeteria opens at eight.",
            string.Join(" ", Enumerable.Repeat("Security badges must be worn visibly at all times on the premises.", 6)),
            "Parking is free for visitors.",
            "Passwords expire every ninety days.",
            "Printers are on every floor.",
        ];

        var together = await parallel.GenerateAsync(texts);
        var reference = await sequential.GenerateAsync(texts);

        Assert.Equal(texts.Length, together.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(reference[i].Vector.Span, together[i].Vector.Span) > 0.9999, $"input {i} differs or came back out of place");
        }
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parallel.GenerateAsync(texts, cancellationToken: cancelled.Token));
    }
}
