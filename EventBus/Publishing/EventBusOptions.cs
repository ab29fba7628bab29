using System.ComponentModel.DataAnnotations;

namespace AiAspire.EventBus.Publishing;

public sealed class EventBusOptions
{
    public const string Section = "EventBus";

    /// <summary>Events waiting in memory to be sent; beyond this, the buffer is spilled to <see cref="SpillPath"/>.</summary>
    [Range(16, 1_000_000)]
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Approximate length each stream is trimmed to.</summary>
    [Range(1_000, 100_000_000)]
    public int StreamMaxLength { get; set; } = 1_000_000;

    /// <summary>Entries read per poll by a consumer.</summary>
    [Range(1, 1_000)]
    public int ReadBatchSize { get; set; } = 64;

    /// <summary>Pause between polls of an empty stream.</summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest pause between retries of a failed send.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Folder of the spill file, where events wait while the bus is down; relative paths are under the content root.
    /// Default: <c>data/eventbus</c> under the content root. One process per folder.
    /// </summary>
    public string? SpillPath { get; set; }

    /// <summary>How long sends may keep failing before the buffer is spilled to disk.</summary>
    public TimeSpan SpillAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest a single send may take before it counts as failed.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At shutdown, how long the send loop tries to hand the memory buffer to the bus before spilling what is left
    /// to disk (sent at the next start). Keep it inside the host's shutdown timeout.
    /// </summary>
    public TimeSpan ShutdownDrainTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an entry may sit pending (its consumer crashed, or its handler failed) before it is claimed and retried.</summary>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries of one event before it goes to the dead-letter topic (<c>&lt;topic&gt;.dlq</c>) instead of its handler.</summary>
    [Range(1, 1_000)]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Events sent to the transport at once (pipelined, in order).</summary>
    [Range(1, 10_000)]
    public int SendBatchSize { get; set; } = 256;
}
