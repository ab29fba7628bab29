using System.Globalization;

namespace AiAspire.RagBench;

internal static class BenchProgram
{
    private const string Usage = """
        usage: dotnet run -c Release --project bench/RagBench -- eval [--articles N] [--data FOLDER] [--cache FILE] [--approximate-from CHUNKS]
               dotnet run -c Release --project bench/RagBench -- perf [--sizes 10000,100000] [--writes 100]
               dotnet run -c Release --project bench/RagBench -- query-cost [--chunks 3000] [--queries 200] [--ingest-chunks 300] [--concurrency 4] [--settings KEY=VALUE,...] [--data FOLDER] [--cache FILE]
          eval   COVID-QA retrieval quality (recall@1/5/10, MRR@10) for vector and hybrid search
                 (--approximate-from 0: every vector search through the HNSW graph)
          perf   embedded index: memory, load time, HNSW and exact search latency p50/p99 and HNSW recall@10 at each size
                 (synthetic clustered vectors); then with the default options: load time and CPU, and the latency of
                 --writes single-document upserts into that tenant
          query-cost  CPU ms per /v1/retrieve (distinct COVID-QA questions, MiniLM uncached, hybrid + MMR) on a collection of
                 --chunks chunks, wall p50/p99 and the load average, one and --concurrency at a time; ingestion chunks/s with embedding. --settings overrides
                 configuration, e.g. Rag:Embeddings:OnnxThreads=2,Rag:Embeddings:OnnxSpinning=true
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("eval" or "perf" or "query-cost"))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }
            options[args[i][2..]] = args[i + 1];
        }

        var dataFolder = options.GetValueOrDefault("data") ?? FindSharedData();
        var cachePath = options.GetValueOrDefault("cache") ?? Path.Combine(AppContext.BaseDirectory, "embedding-cache.bin");
        var work = Path.Combine(Path.GetTempPath(), "ragbench-" + Guid.NewGuid().ToString("N"));
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
        try
        {
            if (args[0] == "perf")
            {
                var sizes = (options.GetValueOrDefault("sizes") ?? "10000,100000").Split(',')
                    .Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToList();
                if (sizes.Any(size => size is < 1 or > 2_000_000))
                {
                    Console.Error.WriteLine("--sizes: each between 1 and 2,000,000 chunks.");
                    return 2;
                }
                var writes = int.Parse(options.GetValueOrDefault("writes") ?? "100", CultureInfo.InvariantCulture);
                if (writes is < 0 or > 1_000_000)
                {
                    Console.Error.WriteLine("--writes: between 0 and 1,000,000.");
                    return 2;
                }
                return await PerformanceCommand.RunAsync(sizes, writes, work, cancellation.Token);
            }
            if (args[0] == "query-cost")
            {
                var settings = (options.GetValueOrDefault("settings") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(pair => pair.Split('=', 2)).ToList();
                if (settings.Any(pair => pair.Length != 2))
                {
                    Console.Error.WriteLine("--settings: KEY=VALUE pairs separated by commas.");
                    return 2;
                }
                var targetChunks = int.Parse(options.GetValueOrDefault("chunks") ?? "3000", CultureInfo.InvariantCulture);
                var queries = int.Parse(options.GetValueOrDefault("queries") ?? "200", CultureInfo.InvariantCulture);
                var ingestChunks = int.Parse(options.GetValueOrDefault("ingest-chunks") ?? "300", CultureInfo.InvariantCulture);
                var concurrency = int.Parse(options.GetValueOrDefault("concurrency") ?? "4", CultureInfo.InvariantCulture);
                if (targetChunks < 1 || queries < 1 || ingestChunks < 1 || concurrency is < 1 or > 256)
                {
                    Console.Error.WriteLine("--chunks, --queries, --ingest-chunks: at least 1; --concurrency: 1 to 256.");
                    return 2;
                }
                using var costServices = new BenchServices(work, cachePath, settings: settings.ToDictionary(pair => pair[0], pair => (string?)pair[1], StringComparer.Ordinal));
                return await QueryCostCommand.RunAsync(costServices, dataFolder, targetChunks, queries, ingestChunks, concurrency, cancellation.Token);
            }
            int? approximateFrom = options.TryGetValue("approximate-from", out var from) ? int.Parse(from, CultureInfo.InvariantCulture) : null;
            using var services = new BenchServices(work, cachePath, approximateFrom);
            var articles = int.Parse(options.GetValueOrDefault("articles") ?? int.MaxValue.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            return await EvaluationCommand.RunAsync(services, dataFolder, articles, cancellation.Token);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>The repository's sibling <c>shared/data/rag_covidqa</c>, found by walking up from the binary.</summary>
    private static string FindSharedData()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (var depth = 0; depth < 12 && directory is not null; depth++, directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "data", "rag_covidqa");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("shared/data/rag_covidqa not found above " + AppContext.BaseDirectory + "; pass --data.");
    }
}
