using System.Net;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;

namespace AiAspire.RagService.Tests;

[Collection(RagServiceCollection.Name)]
public sealed class EmbeddingsApiTests(RagServiceFactory app)
{
    private async Task<(HttpStatusCode Status, JsonElement Body, string? MediaType)> Post(string json)
    {
        var response = await app.ClientFor("embedders").PostAsync("/v1/embeddings", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    private static float[] Vector(JsonElement item) => item.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();

    [Fact]
    public async Task A_string_input_returns_one_unit_vector_in_the_openai_shape()
    {
        var (status, body, _) = await Post("""{"input":"How do I get a refund?"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.Equal("all-minilm-l6-v2", body.GetProperty("model").GetString());
        var item = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(("embedding", 0), (item.GetProperty("object").GetString(), item.GetProperty("index").GetInt32()));
        var vector = Vector(item);
        Assert.Equal(384, vector.Length);
        Assert.Equal(1.0, TensorPrimitives.Norm(vector), 3);
        var usage = body.GetProperty("usage");
        // how do i get a ref ##und ?
        Assert.Equal(8, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(8, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task An_array_input_keeps_its_order_and_similar_texts_score_higher()
    {
        var (status, body, _) = await Post("""
            {"model":"all-MiniLM-L6-v2","input":["How do I get a refund?","The weather is sunny today.","Refunds are issued within 14 days."]}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], data.Select(d => d.GetProperty("index").GetInt32()));
        var (question, weather, answer) = (Vector(data[0]), Vector(data[1]), Vector(data[2]));
        var related = TensorPrimitives.CosineSimilarity(question, answer);
        var unrelated = TensorPrimitives.CosineSimilarity(question, weather);
        Assert.True(related > 0.4 && unrelated < 0.2, $"related {related}, unrelated {unrelated}");
    }

    [Fact]
    public async Task Base64_encoding_carries_the_same_float32_values()
    {
        var (_, floats, _) = await Post("""{"input":"base64 please"}""");
        var (status, encoded, _) = await Post("""{"input":"base64 please","encoding_format":"base64"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var bytes = Convert.FromBase64String(encoded.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();
        Assert.Equal(Vector(floats.GetProperty("data")[0]), decoded);
    }

    [Theory]
    [InlineData("""{"input":[1,2,3]}""")]
    [InlineData("""{"input":[]}""")]
    [InlineData("""{"input":""}""")]
    [InlineData("""{"model":"all-minilm-l6-v2"}""")]
    [InlineData("""{"input":"x","model":"text-embedding-3-small"}""")]
    [InlineData("""{"input":"x","dimensions":256}""")]
    [InlineData("""{"input":"x","encoding_format":"int8"}""")]
    [InlineData("""{"input":{"text":"x"}}""")]
    [InlineData("""{"input":"x""")]
    public async Task Invalid_embedding_requests_get_400_problem_json(string json)
    {
        var (status, body, mediaType) = await Post(json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", mediaType);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
    }
}
