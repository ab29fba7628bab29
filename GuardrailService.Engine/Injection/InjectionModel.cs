using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// The injection classifier's weights as <c>GuardrailBench train-injection</c> writes them: a logistic regression over
/// sentence embeddings of a text's first <see cref="MaxCharacters"/> characters, and the weight of the heuristic score
/// in the blend. <see cref="Provenance"/> records what it was trained on (split seed, data files and their SHA-256),
/// so the held-out figures can be recomputed and trusted.
/// </summary>
public sealed record InjectionModel(
    string Model,
    int MaxCharacters,
    double HeuristicWeight,
    double Bias,
    float[] Weights,
    InjectionModelProvenance Provenance)
{
    public const string ResourceName = "AiAspire.GuardrailService.Injection.injection-classifier.json";

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The weights embedded in this assembly.</summary>
    /// <exception cref="InvalidOperationException">The assembly was built without them.</exception>
    public static InjectionModel LoadEmbedded()
    {
        using var stream = typeof(InjectionModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"The injection classifier's weights ({ResourceName}) are not embedded: run `dotnet run -c Release --project bench/GuardrailBench -- train-injection`, or set {InjectionClassifierOptions.Section}:Mode to Off.");
        return Validated(JsonSerializer.Deserialize<InjectionModel>(stream, JsonOptions));
    }

    public static InjectionModel Validated(InjectionModel? model)
    {
        if (model is null || model.Weights is null || model.Weights.Length == 0 || model.MaxCharacters <= 0
            || model.HeuristicWeight is < 0 or > 1 || model.Provenance is null)
        {
            throw new InvalidOperationException("The injection classifier's weights are incomplete or out of range.");
        }
        return model;
    }

    /// <summary>The text as the classifier sees it.</summary>
    public string Window(string text) => text.Length <= MaxCharacters ? text : text[..MaxCharacters];

    /// <summary>Probability that the embedded text is an injection or jailbreak.</summary>
    public double Probability(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != Weights.Length)
        {
            throw new ArgumentException($"The classifier expects {Weights.Length} dimensions, not {embedding.Length}.", nameof(embedding));
        }
        var z = Bias;
        for (var i = 0; i < Weights.Length; i++)
        {
            z += Weights[i] * embedding[i];
        }
        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>The blended score: heuristics and classifier weighted by <see cref="HeuristicWeight"/>.</summary>
    public double Blend(double heuristic, double classifier) => HeuristicWeight * heuristic + (1 - HeuristicWeight) * classifier;
}

/// <param name="Seed">Seed of <see cref="InjectionSplit"/>.</param>
/// <param name="Data">Each data file trained on, with its hash and row counts.</param>
/// <param name="HeldOut">Figures on the held-out rows at training time (the dataset tests recompute them).</param>
public sealed record InjectionModelProvenance(
    string Command,
    int Seed,
    double HeldOutShare,
    double L2,
    IReadOnlyList<InjectionTrainingFile> Data,
    IReadOnlyDictionary<string, double>? HeldOut = null);

/// <param name="Path">Relative to shared/data.</param>
/// <param name="Label">attack or benign.</param>
public sealed record InjectionTrainingFile(string Path, string Field, string Label, string Sha256, int Rows, int Train, int HeldOut);
