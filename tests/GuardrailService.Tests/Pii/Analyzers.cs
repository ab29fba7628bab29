using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

internal static class Analyzers
{
    /// <summary>Every recognizer the service registers, in its order.</summary>
    public static IPiiRecognizer[] AllRecognizers() =>
    [
        new EmailRecognizer(), new CreditCardRecognizer(), new PhoneNumberRecognizer(), new IbanRecognizer(),
        new UsSsnRecognizer(), new IpAddressRecognizer(), new SecretRecognizer(), new DateOfBirthRecognizer(),
        new PersonNameRecognizer(), new StreetAddressRecognizer(),
    ];

    /// <summary>The analyzer as the service registers it: every recognizer, default minimum score.</summary>
    public static PiiAnalyzer Default(double? minScore = null) =>
        new(AllRecognizers(),
            new TestOptionsMonitor<PiiOptions>(new PiiOptions { MinScore = minScore ?? new PiiOptions().MinScore }));
}
