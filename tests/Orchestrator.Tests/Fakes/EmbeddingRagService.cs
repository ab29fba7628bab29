using System.Collections.Concurrent;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Orchestrator.Tests.Fakes;

/// <summary>
/// RagService with embeddings that follow meaning as far as tests need: each text embeds as its words counted into
/// <see cref="Dimensions"/> buckets (FNV-1a), with <see cref="Synonyms"/> folded first and numbers left out (as real
/// embeddings blur them), so paraphrases that share their words are close and unrelated questions are far.
/// Retrieval finds nothing.
/// </summary>
public sealed class EmbeddingRagService : FakeService
{
    public const int Dimensions = 64;

    /// <summary>Words embedded as another word ("money" as "refund").</summary>
    public Dictionary<string, string> Synonyms { get; } = new(StringComparer.Ordinal) { ["reimbursement"] = "refund", ["get"] = "obtain" };

    public ConcurrentQueue<string> EmbeddedTexts { get; } = new();

    public override void Reset()
    {
        base.Reset();
        EmbeddedTexts.Clear();
    }

    public float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.Split([' ', ',', '?', '.', '!', '\''], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.All(char.IsAsciiDigit))
            {
                continue;
            }
            var hash = 2166136261u;
            foreach (var c in Synonyms.GetValueOrDefault(word, word))
            {
                hash = (hash ^ c) * 16777619u;
            }
            vector[(int)(hash % Dimensions)] += 1;
        }
        return vector;
    }

    protected override void Map(WebApplication app)
    {
        app.MapPost("/v1/retrieve", async (HttpContext context) =>
            await WriteAsync(context, new RetrieveResponse([], "fake-bow"), ContractsJsonContext.Default.RetrieveResponse));

        app.MapPost("/v1/embeddings", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var input = body.RootElement.GetProperty("input").GetString()!;
            EmbeddedTexts.Enqueue(input);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                @object = "list",
                data = new[] { new { @object = "embedding", index = 0, embedding = Embed(input) } },
                model = "fake-bow",
            }));
        });
    }
}
