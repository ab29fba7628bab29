using System.Text.RegularExpressions;
using AiAspire.GuardrailService.Pii;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>A recognizer that runs out of its time budget on any text holding <see cref="Marker"/>, as a slow scan would.</summary>
internal sealed class SlowScanRecognizer : IPiiRecognizer
{
    public const string Marker = "SLOW-SCAN-MARKER";

    public IReadOnlyCollection<string> SupportedTypes => ["SLOW"];

    public IEnumerable<PiiFinding> Recognize(string text) =>
        text.Contains(Marker, StringComparison.Ordinal) ? throw new RegexMatchTimeoutException(text, Marker, TimeSpan.FromSeconds(1)) : [];
}
