using System.Diagnostics;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Rag;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.RagService.Tests;

/// <summary>
/// Chunk-level retrieval quality on COVID-QA (see shared/data/rag_covidqa/README.md): a question is found when a retrieved
/// chunk contains its labelled answer span, judged by the chunk's citation offsets. A small, fixed slice of the corpus keeps
/// the embedding work to about 160 chunks; bench/RagBench evaluates the whole set.
/// </summary>
[Collection(RagServiceCollection.Name)]
public sealed class CovidQaRetrievalTests(RagServiceFactory app, ITestOutputHelper output)
{
    private const int MaxArticleChars = 20_000;
    private const int MaxCorpusChars = 120_000;
    private static readonly ContractsJsonContext Json = ContractsJsonContext.Default;

    [Fact]
    public async Task Vector_and_hybrid_retrieval_over_a_slice_of_covidqa_clear_their_floors()
    {
        var set = CovidQaSet.Load(Path.Combine(RepositoryPaths.SharedData, "rag_covidqa"), MaxArticleChars, MaxCorpusChars);
        var client = app.ClientFor("covidqa");
        var clock = Stopwatch.StartNew();
        var chunks = 0;
        foreach (var (id, text) in set.Articles)
        {
            var response = await client.PostAsJsonAsync("/api/documents", new IngestDocumentRequest(text, Id: id, ContentType: "text"), Json.IngestDocumentRequest);
            response.EnsureSuccessStatusCode();
            chunks += (await response.Content.ReadFromJsonAsync(Json.IngestDocumentResponse))!.Chunks;
        }
        output.WriteLine($"COVID-QA slice: {set.Articles.Count} articles, {set.CorpusChars} chars, {chunks} chunks, {set.Questions.Count} questions; ingest {clock.Elapsed.TotalSeconds:F1} s");

        var scores = new Dictionary<string, RetrievalScores>();
        foreach (var mode in new[] { "vector", "hybrid" })
        {
            clock.Restart();
            var scorer = new RetrievalScorer();
            foreach (var question in set.Questions)
            {
                var response = await client.PostAsJsonAsync("/v1/retrieve", new RetrieveRequest(question.Question, TopK: 10, Mode: mode), Json.RetrieveRequest);
                response.EnsureSuccessStatusCode();
                scorer.Add(question, (await response.Content.ReadFromJsonAsync(Json.RetrieveResponse))!.Chunks);
            }
            scores[mode] = scorer.Scores;
            output.WriteLine($"{mode}: {scores[mode]}; {set.Questions.Count / clock.Elapsed.TotalSeconds:F1} queries/s");
        }

        Assert.Equal(0, set.UnlocatedAnswers);
        Assert.InRange(set.Articles.Count, 5, 40);
        Assert.InRange(set.Questions.Count, 40, 400);
        // Floors about ten points under the figures measured when written (vector 44.0/76.0/88.0 %, MRR 0.592; hybrid 53.3/81.3/93.3 %, MRR 0.676).
        AssertFloor(scores["vector"].RecallAt5, 0.65, "vector recall@5");
        AssertFloor(scores["vector"].MrrAt10, 0.50, "vector MRR@10");
        AssertFloor(scores["hybrid"].RecallAt1, 0.43, "hybrid recall@1");
        AssertFloor(scores["hybrid"].RecallAt5, 0.70, "hybrid recall@5");
        AssertFloor(scores["hybrid"].RecallAt10, 0.83, "hybrid recall@10");
        AssertFloor(scores["hybrid"].MrrAt10, 0.57, "hybrid MRR@10");
        AssertFloor(scores["hybrid"].MrrAt10, scores["vector"].MrrAt10, "hybrid MRR@10 (at least vector's)");
    }

    private static void AssertFloor(double value, double floor, string what) =>
        Assert.True(value >= floor, $"{what} {value:P1} is below its floor of {floor:P1}");
}
