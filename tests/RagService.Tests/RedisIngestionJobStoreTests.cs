using AiAspire.RagService.Chunking;
using AiAspire.RagService.Documents;
using AiAspire.RagService.Stores;
using AiAspire.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.RagService.Tests;

/// <summary>Ingestion job status in a real redis-server, read by replicas that did not run the job.</summary>
public sealed class RedisIngestionJobStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly IOptions<IngestionOptions> Settings = Options.Create(new IngestionOptions
    {
        JobLease = TimeSpan.FromMinutes(1),
        JobRetention = TimeSpan.FromHours(2),
    });

    private static IngestionQueue Replica(IConnectionMultiplexer connection, TimeProvider clock) =>
        new(new RedisIngestionJobStore(connection, Settings), Settings, clock, NullLogger<IngestionQueue>.Instance);

    [Fact]
    public async Task Another_replica_and_a_restarted_one_read_the_finished_job_which_expires_after_the_retention()
    {
        using var data = new TempDirectory();
        var store = new EmbeddedVectorStore(data.Path, NullLogger<EmbeddedVectorStore>.Instance);
        var ingestor = new DocumentIngestor(new StructuredTextChunker(new TestOptionsMonitor<ChunkingOptions>(new ChunkingOptions())),
            new PoisonedEmbeddingGenerator(), store, TimeProvider.System, NullLogger<DocumentIngestor>.Instance);
        var runner = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var queue = Replica(runner, TimeProvider.System);
        var worker = new IngestionWorker(queue, ingestor, Settings, TimeProvider.System, NullLogger<IngestionWorker>.Instance);
        var job = (await queue.TryEnqueueAsync("acme", [IngestionJobTests.Document("a", "First memo."), IngestionJobTests.Document("b", "Second memo.")], default))!;
        using var other = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

        var queued = await Replica(other, TimeProvider.System).FindAsync("acme", job.Id, default);
        await worker.RunAsync(job, default);
        var finished = job.Snapshot();
        await runner.DisposeAsync();
        using var restarted = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);

        Assert.Equal((IngestionJob.Queued, 0, 2), (queued!.Status, queued.Completed, queued.Total));
        Assert.Equal((IngestionJob.Succeeded, 2), (finished.Status, finished.Completed));
        Assert.Equal(finished, await Replica(other, TimeProvider.System).FindAsync("acme", job.Id, default), IngestionJobTests.SameStatus);
        Assert.Equal(finished, await Replica(restarted, TimeProvider.System).FindAsync("acme", job.Id, default), IngestionJobTests.SameStatus);
        Assert.Null(await Replica(restarted, TimeProvider.System).FindAsync("globex", job.Id, default));
        Assert.Null(await Replica(restarted, TimeProvider.System).FindAsync("acme", "ing-unknown", default));
        var ttl = await restarted.GetDatabase().KeyTimeToLiveAsync(RedisIngestionJobStore.KeyPrefix + job.Id);
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task A_job_whose_replica_crashed_is_reported_failed_once_the_lease_it_no_longer_renews_runs_out()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        using var crashing = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        using var survivor = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var doomed = Replica(crashing, clock);
        var job = (await doomed.TryEnqueueAsync("acme", [IngestionJobTests.Document("a", "Memo.")], default))!;
        var reader = Replica(survivor, clock);

        clock.Advance(TimeSpan.FromSeconds(45));
        await doomed.RenewLeasesAsync(default);
        clock.Advance(TimeSpan.FromSeconds(45));
        var whileRenewed = await reader.FindAsync("acme", job.Id, default);
        // The replica dies here: nobody renews the lease any more.
        clock.Advance(TimeSpan.FromSeconds(16));
        var afterLease = await reader.FindAsync("acme", job.Id, default);

        Assert.Equal(IngestionJob.Queued, whileRenewed!.Status);
        Assert.Equal((IngestionJob.Failed, IngestionQueue.Interrupted), (afterLease!.Status, afterLease.Error));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 1, 45, TimeSpan.Zero), afterLease.FinishedAt);
    }
}
