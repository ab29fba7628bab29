using System.Text.Json;
using AiAspire.GuardrailService.Pii;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.GuardrailService.Tests.Pii;

/// <summary>
/// Scores the recognizers against Presidio's own recognizer test cases (shared/data/pii_presidio_recognizer_tests):
/// span-exact precision and recall on the rows labelled for email and credit card.
/// </summary>
public class PresidioDatasetTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> PresidioToOurs = new()
    {
        ["EMAIL_ADDRESS"] = PiiTypes.Email,
        ["CREDIT_CARD"] = PiiTypes.CreditCard,
    };

    private sealed record Case(string Id, string Entity, string Text, int ExpectedCount, List<(int Start, int End)>? Spans);

    private sealed record Score(int TruePositives, int FalsePositives, int FalseNegatives, int Rows)
    {
        public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

        public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
    }

    private static IReadOnlyList<(Case Case, List<string> OtherEntities)> LoadRows()
    {
        var path = Path.Combine(RepositoryPaths.SharedData, "pii_presidio_recognizer_tests", "data.jsonl");
        var rows = new List<(Case, List<string>)>();
        foreach (var line in File.ReadLines(path).Where(line => line.Length > 0))
        {
            using var row = JsonDocument.Parse(line);
            var root = row.RootElement;
            var entities = root.GetProperty("entities").EnumerateArray().Select(e => e.GetString()!).ToList();
            var spans = root.GetProperty("expected_spans") is { ValueKind: JsonValueKind.Array } array
                ? array.EnumerateArray().Select(s => (s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32())).ToList()
                : null;
            rows.Add((new Case(
                root.GetProperty("id").GetString()!,
                entities.FirstOrDefault(PresidioToOurs.ContainsKey) ?? "",
                root.GetProperty("text").GetString()!,
                root.GetProperty("expected_count").GetInt32(),
                spans), entities));
        }
        return rows;
    }

    private Score Evaluate(IEnumerable<Case> cases, PiiAnalyzer analyzer, string type, bool logMisses)
    {
        int tp = 0, fp = 0, fn = 0, rows = 0;
        foreach (var item in cases)
        {
            rows++;
            var predicted = analyzer.Analyze(item.Text).Where(f => f.Type == type).Select(f => (f.Start, f.End)).ToList();
            int hits;
            if (item.Spans is { } expected)
            {
                hits = predicted.Count(expected.Contains);
                fn += expected.Count - hits;
            }
            else
            {
                hits = Math.Min(predicted.Count, item.ExpectedCount);
                fn += item.ExpectedCount - hits;
            }
            tp += hits;
            fp += predicted.Count - hits;
            if (logMisses && (predicted.Count != hits || hits != (item.Spans?.Count ?? item.ExpectedCount)))
            {
                output.WriteLine($"  miss {item.Id}: expected {item.Spans?.Count ?? item.ExpectedCount}, predicted {predicted.Count}, matching {hits}");
            }
        }
        return new Score(tp, fp, fn, rows);
    }

    [Theory]
    [InlineData("EMAIL_ADDRESS", 0.95, 0.95)]
    [InlineData("CREDIT_CARD", 0.95, 0.9)]
    public void Recognizers_OnPresidioCases_MeetPrecisionAndRecallFloors(string presidioEntity, double minPrecision, double minRecall)
    {
        var type = PresidioToOurs[presidioEntity];
        var cases = LoadRows().Select(r => r.Case).Where(c => c.Entity == presidioEntity).ToList();
        Assert.True(cases.Count >= 8, $"expected the dataset's {presidioEntity} rows, found {cases.Count}");

        var score = Evaluate(cases, Analyzers.Default(), type, logMisses: true);
        var raw = Evaluate(cases, Analyzers.Default(minScore: 0), type, logMisses: false);

        output.WriteLine($"{presidioEntity}: {score.Rows} rows, TP {score.TruePositives} FP {score.FalsePositives} FN {score.FalseNegatives}, " +
                         $"precision {score.Precision:F3} recall {score.Recall:F3} (min score {new PiiOptions().MinScore})");
        output.WriteLine($"{presidioEntity} with no score threshold: precision {raw.Precision:F3} recall {raw.Recall:F3}");
        Assert.True(score.Precision >= minPrecision, $"precision {score.Precision:F3} < {minPrecision}");
        Assert.True(score.Recall >= minRecall, $"recall {score.Recall:F3} < {minRecall}");
    }

    [Fact]
    public void Recognizers_OnRowsOfOtherRecognizers_RarelyReportEmailOrCard()
    {
        var others = LoadRows()
            .Where(r => !r.OtherEntities.Any(PresidioToOurs.ContainsKey))
            .Select(r => r.Case)
            .ToList();
        var analyzer = Analyzers.Default();

        var spurious = others
            .Select(c => (c.Id, Findings: analyzer.Analyze(c.Text).Select(f => f.Type).ToArray()))
            .Where(r => r.Findings.Length > 0)
            .ToList();
        foreach (var (id, findings) in spurious)
        {
            output.WriteLine($"  {id}: {string.Join(", ", findings)}");
        }
        var rate = (double)spurious.Count / others.Count;
        output.WriteLine($"{spurious.Count} of {others.Count} rows labelled for other entities got an email or card finding ({rate:P2})");

        Assert.True(others.Count > 1000);
        Assert.True(rate <= 0.005, $"{rate:P2} of unrelated rows flagged");
    }
}
