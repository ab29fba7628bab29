using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

internal static class Analyzers
{
    /// <summary>The analyzer as the service registers it: both recognizers, default minimum score.</summary>
    public static PiiAnalyzer Default(double? minScore = null) =>
        new([new EmailRecognizer(), new CreditCardRecognizer()],
            new TestOptionsMonitor<PiiOptions>(new PiiOptions { MinScore = minScore ?? new PiiOptions().MinScore }));
}
