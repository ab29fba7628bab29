using System.Text.RegularExpressions;
using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class PiiAnalyzerTests
{
    private sealed class FixedRecognizer(params PiiFinding[] findings) : IPiiRecognizer
    {
        public IReadOnlyCollection<string> SupportedTypes => findings.Select(f => f.Type).Distinct().ToArray();

        public IEnumerable<PiiFinding> Recognize(string text) => findings;
    }

    private sealed class TimingOutRecognizer : IPiiRecognizer
    {
        public IReadOnlyCollection<string> SupportedTypes => ["SLOW"];

        public IEnumerable<PiiFinding> Recognize(string text) =>
            throw new RegexMatchTimeoutException(text, "x", TimeSpan.FromSeconds(1));
    }

    private static PiiAnalyzer Analyzer(double minScore, params IPiiRecognizer[] recognizers) =>
        new(recognizers, new TestOptionsMonitor<PiiOptions>(new PiiOptions { MinScore = minScore }));

    [Fact]
    public void Analyze_OverlappingFindings_KeepsHigherScore()
    {
        var analyzer = Analyzer(0,
            new FixedRecognizer(new PiiFinding("A", 0, 10, 0.6)),
            new FixedRecognizer(new PiiFinding("B", 5, 8, 0.9)));

        var finding = Assert.Single(analyzer.Analyze(new string('x', 20)));

        Assert.Equal("B", finding.Type);
    }

    [Fact]
    public void Analyze_OverlapWithEqualScores_KeepsLongerFinding()
    {
        var analyzer = Analyzer(0,
            new FixedRecognizer(new PiiFinding("SHORT", 0, 16, 0.9)),
            new FixedRecognizer(new PiiFinding("LONG", 0, 28, 0.9)));

        Assert.Equal("LONG", Assert.Single(analyzer.Analyze(new string('x', 30))).Type);
    }

    [Fact]
    public void Analyze_ChainOfOverlaps_KeepsEveryFindingThatDoesNotCollideWithABetterOne()
    {
        // B beats A and C, but A and C do not touch each other: only B survives its neighbours, D is separate.
        var analyzer = Analyzer(0, new FixedRecognizer(
            new PiiFinding("A", 0, 5, 0.5),
            new PiiFinding("B", 4, 9, 0.9),
            new PiiFinding("C", 8, 12, 0.5),
            new PiiFinding("D", 12, 14, 0.5)));

        var findings = analyzer.Analyze(new string('x', 20));

        Assert.Equal(["B", "D"], findings.Select(f => f.Type));
    }

    [Fact]
    public void Analyze_AdjacentFindings_AreBothKeptInTextOrder()
    {
        var analyzer = Analyzer(0,
            new FixedRecognizer(new PiiFinding("B", 5, 10, 0.5)),
            new FixedRecognizer(new PiiFinding("A", 0, 5, 0.9)));

        Assert.Equal([("A", 0), ("B", 5)], analyzer.Analyze(new string('x', 10)).Select(f => (f.Type, f.Start)));
    }

    [Fact]
    public void Analyze_FindingBelowMinScore_IsDroppedAndCannotShadowAnother()
    {
        var analyzer = Analyzer(0.5,
            new FixedRecognizer(new PiiFinding("LOW", 0, 20, 0.3)),
            new FixedRecognizer(new PiiFinding("OK", 2, 6, 0.5)));

        Assert.Equal("OK", Assert.Single(analyzer.Analyze(new string('x', 20))).Type);
    }

    [Fact]
    public void Analyze_RecognizerTimesOut_ThrowsAnalysisTimeout()
    {
        var analyzer = Analyzer(0, new FixedRecognizer(new PiiFinding("A", 0, 1, 1)), new TimingOutRecognizer());

        var exception = Assert.Throws<PiiAnalysisTimeoutException>(() => analyzer.Analyze("text"));

        Assert.Equal(nameof(TimingOutRecognizer), exception.Recognizer);
    }

    [Fact]
    public void Analyze_EmailWhoseLocalPartIsACardNumber_IsOneEmail()
    {
        const string text = "reply to 4111111111111111@example.com";

        var finding = Assert.Single(Analyzers.Default().Analyze(text));

        Assert.Equal((PiiTypes.Email, "4111111111111111@example.com"), (finding.Type, text[finding.Start..finding.End]));
    }

    [Fact]
    public void Analyze_MixedText_FindsBothTypesInOrder()
    {
        const string text = "Card 4111 1111 1111 1111, mail me at a.b@example.org or call.";

        var findings = Analyzers.Default().Analyze(text);

        Assert.Equal([PiiTypes.CreditCard, PiiTypes.Email], findings.Select(f => f.Type));
    }
}
