using System.ComponentModel.DataAnnotations;

namespace AiAspire.EventBus.Publishing;

public sealed class EventBusOptions
{
    public const string Section = "EventBus";

    /// <summary>Events waiting to be sent; beyond this, publishing drops and counts.</summary>
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
}
