using System.Numerics.Tensors;
using AiAspire.RagService.Embeddings;
using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Tests.Providers;

public sealed class ProviderEmbeddingGeneratorTests(FakeEmbeddingsServer server) : IClassFixture<FakeEmbeddingsServer>
{
    private EmbeddingOptions OpenAI(int batch = 2, int retries = 2, int? dimensions = null) => new()
    {
        Provider = EmbeddingOptions.OpenAI,
        Endpoint = server.Address + "/v1",
        ApiKey = "sk-test-key",
        Model = "text-embedding-3-small",
        Dimensions = dimensions,
        ProviderBatchSize = batch,
        ProviderMaxRetries = retries,
    };

    private List<FakeEmbeddingsServer.Request> Drain()
    {
        var requests = new List<FakeEmbeddingsServer.Request>();
        while (server.Requests.TryDequeue(out var request))
        {
            requests.Add(request);
        }
        return requests;
    }

    [Fact]
    public async Task OpenAI_inputs_go_in_batches_with_key_and_model_and_come_back_in_order()
    {
        Drain();
        using var generator = ProviderEmbeddingGenerator.Create(OpenAI(batch: 2));
        string[] texts = ["refund policy", "weather today", "refund within 14 days", "laptop", "parking rules"];

        var embeddings = await generator.GenerateAsync(texts);

        var requests = Drain();
        Assert.Equal([2, 2, 1], requests.Select(r => r.Inputs.Count));
        Assert.Equal(texts, requests.SelectMany(r => r.Inputs));
        Assert.All(requests, r => Assert.Equal(("/v1/embeddings", "text-embedding-3-small", "Bearer sk-test-key"), (r.Path, r.Model, r.Authorization)));
        Assert.Equal(texts.Length, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(FakeEmbeddingsServer.VectorOf(texts[i]), embeddings[i].Vector.ToArray());
        }
        Assert.True(embeddings.Usage!.InputTokenCount > 0);
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;
        Assert.Equal("openai/text-embedding-3-small", metadata.DefaultModelId);
        Assert.True(TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span) >
            TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span));
    }

    [Fact]
    public async Task A_429_then_a_503_are_retried_and_the_call_succeeds()
    {
        Drain();
        using var generator = ProviderEmbeddingGenerator.Create(OpenAI(retries: 2));
        server.Failures.Enqueue(429);
        server.Failures.Enqueue(503);

        var embeddings = await generator.GenerateAsync(["hello world"]);

        Assert.Equal(FakeEmbeddingsServer.VectorOf("hello world"), embeddings[0].Vector.ToArray());
        Assert.Equal(3, Drain().Count);
    }

    [Fact]
    public async Task A_provider_that_keeps_failing_raises_a_clear_error_after_its_retries()
    {
        Drain();
        using var generator = ProviderEmbeddingGenerator.Create(OpenAI(retries: 1));
        server.Failures.Enqueue(500);
        server.Failures.Enqueue(500);

        var failure = await Assert.ThrowsAsync<EmbeddingProviderException>(() => generator.GenerateAsync(["hello"]));

        Assert.Equal(500, failure.Status);
        Assert.Contains("answered 500 after 1 retries", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, Drain().Count);
        Assert.True(server.Failures.IsEmpty);
    }

    [Fact]
    public async Task Azure_OpenAI_calls_the_deployment_with_its_api_key_and_the_requested_length_keys_the_model()
    {
        Drain();
        using var generator = ProviderEmbeddingGenerator.Create(new EmbeddingOptions
        {
            Provider = EmbeddingOptions.AzureOpenAI,
            Endpoint = server.Address + "/",
            ApiKey = "azure-test-key",
            Model = "embeddings-prod",
            Dimensions = FakeEmbeddingsServer.Dimensions,
        });

        var embeddings = await generator.GenerateAsync(["vacation days"]);

        var request = Assert.Single(Drain());
        Assert.Equal(("embeddings-prod", "azure-test-key", FakeEmbeddingsServer.Dimensions), (request.Deployment, request.ApiKey, request.Dimensions));
        Assert.Equal(FakeEmbeddingsServer.VectorOf("vacation days"), embeddings[0].Vector.ToArray());
        Assert.Equal($"azure-openai/embeddings-prod@{FakeEmbeddingsServer.Dimensions}", generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Provider_settings_are_validated()
    {
        var missing = new EmbeddingOptions { Provider = EmbeddingOptions.AzureOpenAI };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(missing, new(missing), results, validateAllProperties: true));
        Assert.Equal(3, results.Count);
        var local = new EmbeddingOptions();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(local, new(local), results = [], validateAllProperties: true));
    }
}
