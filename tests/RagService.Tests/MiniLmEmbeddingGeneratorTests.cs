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
}
