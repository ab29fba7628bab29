using System.Globalization;
using System.Text.Json;
using AiAspire.GuardrailService.Injection;
using AiAspire.GuardrailService.Policy;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.GuardrailService.Tests.Injection;

/// <summary>
/// The detector at the default threshold on shared/data/jailbreak_inthewild (every row an attack) and
/// shared/data/injection_notinject (every row benign but full of trigger words), all rows. The heuristics' weights were
/// tuned on these same rows, so the figures are in-sample; the floors stop them from regressing. The service's blended
/// score (heuristics + embedding classifier) is measured on held-out rows in <see cref="InjectionHeldOutTests"/>.
/// </summary>
public class InjectionDatasetTests(ITestOutputHelper output)
{
    private static readonly PromptInjectionDetector Detector = new();

    private static IReadOnlyList<string> Texts(string folder) =>
        File.ReadLines(Path.Combine(RepositoryPaths.SharedData, folder, "data.jsonl"))
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!)
            .ToArray();

    [Fact]
    public void Detector_OnJailbreaksInTheWild_DetectsAtLeastTheFloor()
    {
        var attacks = Texts("jailbreak_inthewild");
        var threshold = InjectionPolicy.DefaultThreshold;

        var detected = attacks.Count(text => Detector.Detect(text).Score >= threshold);

        var rate = (double)detected / attacks.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"jailbreak_inthewild: {detected} of {attacks.Count} detected at threshold {threshold} ({rate:P1})"));
        Assert.Equal(666, attacks.Count);
        Assert.True(rate >= 0.86, $"detection rate {rate:P1} fell below 86%");
    }

    [Fact]
    public void Detector_OnBenignLookAlikes_RarelyFlags()
    {
        var benign = Texts("injection_notinject");
        var threshold = InjectionPolicy.DefaultThreshold;

        var flagged = benign.Where(text => Detector.Detect(text).Score >= threshold).ToArray();

        foreach (var text in flagged)
        {
            output.WriteLine($"  false positive: {text}");
        }
        var rate = (double)flagged.Length / benign.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"injection_notinject: {flagged.Length} of {benign.Count} flagged at threshold {threshold} (false-positive rate {rate:P1})"));
        Assert.Equal(339, benign.Count);
        Assert.True(rate <= 0.006, $"false-positive rate {rate:P1} rose above 0.6%");
    }
}
