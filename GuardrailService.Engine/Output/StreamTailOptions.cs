using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Output;

/// <summary>Configuration section <c>Guardrails:Streams</c>: how long a stream's tail is kept between windows.</summary>
public sealed class StreamTailOptions
{
    public const string Section = "Guardrails:Streams";

    /// <summary>A stream whose next window comes later than this starts afresh; its tail is gone.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(15);
}
