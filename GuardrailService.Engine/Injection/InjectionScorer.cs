using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// One injection score from two parts: the heuristics of <see cref="PromptInjectionDetector"/> (microseconds) and a
/// logistic regression over MiniLM sentence embeddings (<see cref="InjectionModel"/>, milliseconds), blended as
/// <c>w·heuristic + (1 − w)·classifier</c>. The classifier runs as <see cref="InjectionClassifierOptions.Mode"/> says:
/// by default only on texts whose heuristic score is uncertain, so an ordinary prompt pays for the heuristics alone.
/// If the embedding runtime fails, the heuristics decide alone (counted as <c>failed</c> in
/// <see cref="GuardrailTelemetry.InjectionClassifierRuns"/>): the classifier adds detection, it is not a gate of its own.
/// </summary>
public sealed class InjectionScorer
{
    private readonly PromptInjectionDetector _heuristics;
    private readonly ITextEmbedder _embedder;
    private readonly IOptionsMonitor<InjectionClassifierOptions> _options;
    private readonly Lazy<InjectionModel> _model;

    public InjectionScorer(
        PromptInjectionDetector heuristics, ITextEmbedder embedder, IOptionsMonitor<InjectionClassifierOptions> options, Func<InjectionModel>? model = null)
    {
        _heuristics = heuristics;
        _embedder = embedder;
        _options = options;
        _model = new Lazy<InjectionModel>(model ?? InjectionModel.LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The classifier's weights; loading them checks they fit the embedder.</summary>
    /// <exception cref="InvalidOperationException">The weights are missing or were trained for another model.</exception>
    public InjectionModel Model
    {
        get
        {
            var model = _model.Value;
            if (!string.Equals(model.Model, _embedder.Model, StringComparison.OrdinalIgnoreCase) || model.Weights.Length != _embedder.Dimensions)
            {
                throw new InvalidOperationException(
                    $"The injection classifier was trained on {model.Model} ({model.Weights.Length} dimensions), not {_embedder.Model} ({_embedder.Dimensions}).");
            }
            return model;
        }
    }

    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">The text was too costly to scan.</exception>
    public InjectionVerdict Score(string text, CancellationToken cancellationToken = default) =>
        Score([text], cancellationToken)[0];

    /// <summary>Scores several texts; those that need the classifier are embedded in one batch.</summary>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A text was too costly to scan.</exception>
    public IReadOnlyList<InjectionVerdict> Score(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var options = _options.CurrentValue;
        var verdicts = new InjectionVerdict[texts.Count];
        var uncertain = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            verdicts[i] = _heuristics.Detect(texts[i]);
            var needsClassifier = options.Mode switch
            {
                InjectionClassifierMode.Always => true,
                InjectionClassifierMode.Uncertain => verdicts[i].Score >= options.UncertainFrom && verdicts[i].Score < options.UncertainTo,
                _ => false,
            };
            if (needsClassifier && texts[i].Length > 0)
            {
                uncertain.Add(i);
            }
        }
        if (uncertain.Count == 0)
        {
            return verdicts;
        }

        var model = Model;
        var started = Stopwatch.GetTimestamp();
        float[][] vectors;
        try
        {
            vectors = _embedder.Embed(uncertain.Select(i => model.Window(texts[i])).ToArray(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The classifier adds to the heuristics; when the runtime fails, the heuristics still decide (and it is counted).
            GuardrailTelemetry.InjectionClassifierRuns.Add(uncertain.Count, new KeyValuePair<string, object?>(GuardrailTelemetry.ClassifierOutcomeTag, "failed"));
            return verdicts;
        }
        GuardrailTelemetry.InjectionClassifierDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        GuardrailTelemetry.InjectionClassifierRuns.Add(uncertain.Count, new KeyValuePair<string, object?>(GuardrailTelemetry.ClassifierOutcomeTag, "scored"));
        for (var k = 0; k < uncertain.Count; k++)
        {
            var heuristic = verdicts[uncertain[k]];
            var probability = model.Probability(vectors[k]);
            verdicts[uncertain[k]] = heuristic with
            {
                Score = model.Blend(heuristic.Score, probability),
                HeuristicScore = heuristic.Score,
                ClassifierScore = probability,
            };
        }
        return verdicts;
    }
}
