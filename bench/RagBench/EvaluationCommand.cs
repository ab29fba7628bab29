using System.Diagnostics;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Retrieval;
using AiAspire.RagService.Tests;

namespace AiAspire.RagBench;

/// <summary>
/// <c>eval [--articles N]</c>: ingests COVID-QA (all 92 articles by default) through the service's own ingestor and scores
/// every question in vector and hybrid mode: recall@1/5/10 and MRR@10, a question found when a chunk contains its answer.
/// </summary>
internal static class EvaluationCommand
{
    private const string Tenant = "covidqa";

    public static async Task<int> RunAsync(BenchServices services, string dataFolder, int maxArticles, CancellationToken cancellationToken)
    {
        var full = CovidQaSet.Load(dataFolder);
        var keep = full.Articles.Keys.Take(maxArticles).ToHashSet(StringComparer.Ordinal);
        var set = new CovidQaSet(
            full.Articles.Where(a => keep.Contains(a.Key)).ToDictionary(StringComparer.Ordinal),
            [.. full.Questions.Where(q => keep.Contains(q.DocId))],
            full.UnlocatedAnswers);
        Console.WriteLine($"COVID-QA: {set.Articles.Count} articles, {set.CorpusChars:N0} chars, {set.Questions.Count} questions ({set.UnlocatedAnswers} answers not found in their article, skipped)");

        var clock = Stopwatch.StartNew();
        var chunks = 0;
        var missesBefore = services.Cache.Misses;
        foreach (var (id, text) in set.Articles)
        {
            var result = await services.Ingestor.IngestAsync(Tenant,
                new DocumentToIngest(id, Identifiers.DefaultCollection, id, DocumentContentType.Text, text, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), null), cancellationToken);
            chunks += result.Chunks;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var embedded = services.Cache.Misses - missesBefore;
        Console.WriteLine($"ingest: {chunks} chunks in {seconds:F1} s; {embedded} embedded now, {chunks - embedded} from the cache" +
            (embedded == chunks ? $" ({chunks / seconds:F1} chunks/s including embedding)" : ""));

        foreach (var mode in new[] { RetrievalMode.Vector, RetrievalMode.Hybrid })
        {
            clock.Restart();
            var scorer = new RetrievalScorer();
            foreach (var question in set.Questions)
            {
                var response = await services.Retriever.RetrieveAsync(
                    new RetrievalQuery(Tenant, Identifiers.DefaultCollection, question.Question, 10, Mode: mode), cancellationToken);
                scorer.Add(question, response.Chunks);
            }
            Console.WriteLine($"{Retriever.ModeName(mode),-7} {scorer.Scores}; {set.Questions.Count / clock.Elapsed.TotalSeconds:F1} queries/s");
        }
        return 0;
    }
}
