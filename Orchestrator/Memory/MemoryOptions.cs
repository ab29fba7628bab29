using System.ComponentModel.DataAnnotations;

namespace AiAspire.Orchestrator.Memory;

public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>Turns (a user message and its answer) kept per conversation; older ones are dropped.</summary>
    [Range(1, 1000)]
    public int MaxTurns { get; set; } = 10;

    /// <summary>A conversation untouched this long is forgotten.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);
}
