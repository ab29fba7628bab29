using System.Diagnostics;
using System.Globalization;
using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Retrieval;
using AiAspire.RagService.Stores;
using AiAspire.RagService.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiAspire.RagBench;

/// <summary>
/// <c>query-cost [--chunks 3000] [--queries 200] [--ingest-chunks 300] [--concurrency 4]</c>: the cost of one <c>/v1/retrieve</c> and of ingestion
/// with the MiniLM model as configured (pass <c>--settings Rag:Embeddings:OnnxThreads=2,...</c> to compare).
/// <list type="number">
/// <item>Ingestion: COVID-QA articles, in file order, through the service's ingestor with the model uncached (chunking,
/// batched embedding, store) into their own tenant until <c>--ingest-chunks</c>: chunks/s and CPU ms per chunk.</item>
/// <item>A collection of about <c>--chunks</c> chunks (embeddings from the file cache, so the load is quick).</item>
/// <item><c>--queries</c> distinct COVID-QA questions through <see cref="Retriever"/> with the model uncached, as
/// <c>/v1/retrieve</c> calls it (hybrid, top 5, MMR 0.7): CPU ms per query (process CPU time over the run / queries, so load
/// from other processes does not count), wall p50/p99; then as many further questions <c>--concurrency</c> at a time; then
/// the first questions embedded alone, and the two searches alone, to split the cost.</item>
/// </list>
/// </summary>
internal static class QueryCostCommand
{
    private const string Tenant = "querycost";
    private const string IngestTenant = "ingestcost";
    // Enough for tiered JIT to finish recompiling the hot path (its background CPU would count as query CPU).
    private const int WarmUpQueries = 200;
    private const int TopK = 5;
    private const double MmrLambda = 0.7;

    public static async Task<int> RunAsync(BenchServices services, string dataFolder, int targetChunks, int queries, int ingestChunks, int concurrency, CancellationToken cancellationToken)
    {
        var set = CovidQaSet.Load(dataFolder);
        var questions = set.Questions.Select(q => q.Question.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (questions.Count < (concurrency > 1 ? 2 * queries : queries) + WarmUpQueries)
        {
            Console.Error.WriteLine($"--queries: at most {(questions.Count - WarmUpQueries) / (concurrency > 1 ? 2 : 1)} distinct questions in the set (twice over with --concurrency).");
            return 2;
        }
        Console.WriteLine($"{Environment.ProcessorCount} cores; load average at start {LoadAverage()}");
        await services.MiniLm.WarmUpAsync(cancellationToken);

        // Ingestion with the model in the loop, through the service's ingestor.
        var ingestor = new DocumentIngestor(services.Chunker, services.MiniLm, services.Store, TimeProvider.System, NullLogger<DocumentIngestor>.Instance);
        var (ingested, articles) = (0, 0);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        foreach (var (id, text) in set.Articles)
        {
            if (ingested >= ingestChunks)
            {
                break;
            }
            ingested += (await ingestor.IngestAsync(IngestTenant, Document(id, text), cancellationToken)).Chunks;
            articles++;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine($"ingest (uncached MiniLM): {ingested} chunks of {articles} articles in {seconds:F1} s: {ingested / seconds:F1} chunks/s, " +
            $"{cpu / ingested:F1} ms of CPU per chunk; load average {LoadAverage()}");

        // The collection the queries search.
        var chunks = 0;
        foreach (var (id, text) in set.Articles)
        {
            if (chunks >= targetChunks)
            {
                break;
            }
            chunks += (await services.Ingestor.IngestAsync(Tenant, Document(id, text), cancellationToken)).Chunks;
        }
        Console.WriteLine($"collection: {chunks} chunks ({services.Cache.Misses} embedded now, {services.Cache.Hits} from {nameof(EmbeddingFileCache)})");

        // Settle: a background compaction of either tenant (its snapshot written) would count as query CPU.
        if (services.Store is EmbeddedVectorStore embedded)
        {
            await embedded.CompactAsync(IngestTenant, cancellationToken);
            await embedded.CompactAsync(Tenant, cancellationToken);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var retriever = new Retriever(services.MiniLm, services.Store);
        foreach (var question in questions.Take(WarmUpQueries))
        {
            await retriever.RetrieveAsync(Query(question), cancellationToken);
        }
        var measured = questions.Skip(WarmUpQueries).Take(queries).ToList();
        var wall = new List<double>(queries);
        var returned = 0;
        cpuBefore = Environment.CpuUsage.TotalTime;
        foreach (var question in measured)
        {
            var started = Stopwatch.GetTimestamp();
            returned += (await retriever.RetrieveAsync(Query(question), cancellationToken)).Chunks.Count;
            wall.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine($"retrieve (hybrid, top {TopK}, MMR {MmrLambda.ToString(CultureInfo.InvariantCulture)}; {queries} distinct questions, {returned / (double)queries:F1} chunks each): " +
            $"{cpu / queries:F1} ms of CPU per query; wall p50 {Percentile(wall, 0.50):F1} ms, p99 {Percentile(wall, 0.99):F1} ms; load average {LoadAverage()}");

        wall.Clear();
        var vectors = new List<ReadOnlyMemory<float>>(queries);
        cpuBefore = Environment.CpuUsage.TotalTime;
        foreach (var question in measured)
        {
            var started = Stopwatch.GetTimestamp();
            vectors.Add(await services.MiniLm.GenerateVectorAsync(question, cancellationToken: cancellationToken));
            wall.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine($"  of which the query embedding alone: {cpu / queries:F1} ms of CPU per query; wall p50 {Percentile(wall, 0.50):F1} ms, " +
            $"p99 {Percentile(wall, 0.99):F1} ms; load average {LoadAverage()}");

        // Concurrent callers (the orchestrator serves many chats at once), on further distinct questions.
        var concurrent = questions.Skip(WarmUpQueries + queries).Take(queries).ToList();
        if (concurrency > 1 && concurrent.Count == queries)
        {
            var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
            cpuBefore = Environment.CpuUsage.TotalTime;
            clock.Restart();
            await Parallel.ForEachAsync(concurrent, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (question, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                await retriever.RetrieveAsync(Query(question), token);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            });
            cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            Console.WriteLine($"retrieve, {concurrency} at a time ({queries} further distinct questions): {cpu / queries:F1} ms of CPU per query; " +
                $"{queries / clock.Elapsed.TotalSeconds:F0} queries/s; wall p50 {Percentile([.. latencies], 0.50):F1} ms, p99 {Percentile([.. latencies], 0.99):F1} ms; load average {LoadAverage()}");
        }

        // The searches Retriever runs for one hybrid query with MMR (top 5: 40 candidates each), alone.
        var pool = Math.Clamp(TopK * 4, 40, Retriever.MaxCandidates);
        cpuBefore = Environment.CpuUsage.TotalTime;
        foreach (var vector in vectors)
        {
            await services.Store.SearchAsync(new VectorSearchRequest(Tenant, Identifiers.DefaultCollection, retriever.EmbeddingModel, vector, pool, 0), cancellationToken);
        }
        var vectorCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
        cpuBefore = Environment.CpuUsage.TotalTime;
        foreach (var question in measured)
        {
            await services.Store.KeywordSearchAsync(new KeywordSearchRequest(Tenant, Identifiers.DefaultCollection, retriever.EmbeddingModel, question, pool), cancellationToken);
        }
        var keywordCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
        Console.WriteLine($"  the vector search alone (exact, top {pool}): {vectorCpu / queries:F2} ms of CPU per query; the BM25 search alone (top {pool}): {keywordCpu / queries:F2} ms");
        return 0;
    }

    private static DocumentToIngest Document(string id, string text) =>
        new(id, Identifiers.DefaultCollection, id, DocumentContentType.Text, text,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), null);

    private static RetrievalQuery Query(string question) =>
        new(Tenant, Identifiers.DefaultCollection, question, TopK, Mode: RetrievalMode.Hybrid, MmrLambda: MmrLambda);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
