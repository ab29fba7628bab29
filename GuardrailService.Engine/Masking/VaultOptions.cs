using System.ComponentModel.DataAnnotations;

namespace AiAspire.GuardrailService.Masking;

/// <summary>Configuration section <c>Guardrails:Vault</c>.</summary>
public sealed class VaultOptions
{
    public const string Section = "Guardrails:Vault";

    /// <summary>How long a placeholder mapping can be restored after masking; long enough for a slow completion.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(15);
}
