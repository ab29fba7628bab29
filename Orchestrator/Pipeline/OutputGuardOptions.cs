using System.ComponentModel.DataAnnotations;

namespace AiAspire.Orchestrator.Pipeline;

/// <summary>How the output guardrails check a streamed answer (section <c>Guardrails</c>).</summary>
public sealed class OutputGuardOptions
{
    public const string Section = "Guardrails";

    /// <summary>
    /// A streamed answer is checked in windows of about this many characters (fewer when a sentence or line ends first).
    /// Larger windows mean fewer guard calls but more text held back before the caller sees it.
    /// </summary>
    [Range(16, 65_536)]
    public int StreamWindowChars { get; set; } = 200;
}
