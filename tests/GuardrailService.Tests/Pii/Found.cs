using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

internal static class Found
{
    /// <summary>The values the default analyzer reports in <paramref name="text"/>, as (type, value) pairs in text order.</summary>
    public static (string Type, string Value)[] In(string text) =>
        Analyzers.Default().Analyze(text).Select(f => (f.Type, text[f.Start..f.End])).ToArray();

    /// <summary>The values of one type the analyzer reports.</summary>
    public static string[] Values(string text, string type) =>
        In(text).Where(f => f.Type == type).Select(f => f.Value).ToArray();
}
