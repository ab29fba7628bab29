using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AiAspire.GuardrailService.Injection;

namespace AiAspire.GuardrailBench;

/// <summary>
/// Trains the injection classifier offline and writes its weights to GuardrailService/Injection/injection-classifier.json:
/// <code>dotnet run -c Release --project bench/GuardrailBench -- train-injection [seed=20261128] [maxCharacters=1000]</code>
/// Attacks: shared/data/jailbreak_inthewild; benign: injection_notinject (look-alikes full of trigger words) and the
/// rag_covidqa questions (ordinary questions). Rows are split by <see cref="InjectionSplit"/>; only the train rows are
/// used to fit the logistic regression and to choose the heuristic weight (on out-of-fold predictions), and the
/// held-out rows are only measured. The file records the seed, the data hashes and the held-out figures.
/// </summary>
internal static class InjectionTrainer
{
    private const double L2 = 1e-3;
    private const int Epochs = 3_000;
    private const int Folds = 5;
    private const double Threshold = 0.5;

    private sealed record Source(string Path, string Field, string Label, double Weight);

    private sealed record Row(string Text, bool Attack, double Weight, string Source, bool HeldOut)
    {
        public float[] Vector { get; set; } = [];
        public double Heuristic { get; set; }
    }

    private static readonly Source[] Sources =
    [
        new("jailbreak_inthewild/data.jsonl", "text", "attack", 1.0),
        new("injection_notinject/data.jsonl", "text", "benign", 1.0),
        // Many ordinary questions: each weighs less, so that the look-alikes shape the boundary.
        new("rag_covidqa/queries.jsonl", "question", "benign", 0.3),
    ];

    public static int Run(string[] args)
    {
        var seed = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20261128;
        var maxCharacters = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
        var root = RepositoryRoot();
        var data = Path.GetFullPath(Path.Combine(root, "..", "shared", "data"));

        var rows = new List<Row>();
        var files = new List<InjectionTrainingFile>();
        foreach (var source in Sources)
        {
            var path = Path.Combine(data, source.Path);
            var texts = File.ReadLines(path).Where(line => line.Length > 0)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty(source.Field).GetString()!)
                .ToArray();
            var own = texts.Select(text => new Row(text, source.Label == "attack", source.Weight, source.Path, InjectionSplit.IsHeldOut(text, seed))).ToArray();
            rows.AddRange(own);
            files.Add(new InjectionTrainingFile(source.Path, source.Field, source.Label, InjectionSplit.FileHash(path),
                own.Length, own.Count(r => !r.HeldOut), own.Count(r => r.HeldOut)));
            Console.WriteLine($"{source.Path}: {own.Length} rows, {own.Count(r => r.HeldOut)} held out");
        }

        var heuristics = new PromptInjectionDetector();
        var embedder = new MiniLmTextEmbedder();
        var clock = Stopwatch.StartNew();
        const int batch = 32;
        for (var offset = 0; offset < rows.Count; offset += batch)
        {
            var slice = rows.Skip(offset).Take(batch).ToArray();
            var vectors = embedder.Embed(slice.Select(r => r.Text.Length <= maxCharacters ? r.Text : r.Text[..maxCharacters]).ToArray());
            for (var i = 0; i < slice.Length; i++)
            {
                slice[i].Vector = vectors[i];
                slice[i].Heuristic = heuristics.Detect(slice[i].Text).Score;
            }
        }
        Console.WriteLine(Invariant($"embedded {rows.Count} texts in {clock.Elapsed.TotalSeconds:F1} s"));

        var train = rows.Where(r => !r.HeldOut).ToArray();
        var heldOut = rows.Where(r => r.HeldOut).ToArray();

        // Out-of-fold probabilities on the train rows choose the heuristic weight without touching the held-out rows.
        var outOfFold = new double[train.Length];
        for (var fold = 0; fold < Folds; fold++)
        {
            var fit = Fit(train.Where((_, i) => i % Folds != fold).ToArray());
            for (var i = fold; i < train.Length; i += Folds)
            {
                outOfFold[i] = Probability(fit, train[i].Vector);
            }
        }
        var options = new InjectionClassifierOptions();
        var best = (Weight: 0.0, Objective: double.MinValue);
        for (var step = 0; step <= 20; step++)
        {
            var w = step / 20.0;
            var scores = train.Select((r, i) => Combined(r.Heuristic, outOfFold[i], w, options)).ToArray();
            // Detection counts once, a false positive on a look-alike four times: a guard that blocks ordinary users is switched off.
            var objective = Rate(train, scores, r => r.Attack) - 4 * Rate(train, scores, r => r.Source.StartsWith("injection_notinject", StringComparison.Ordinal));
            Console.WriteLine(Invariant($"  heuristic weight {w:F2}: train out-of-fold objective {objective:F4}"));
            if (objective > best.Objective)
            {
                best = (w, objective);
            }
        }

        var final = Fit(train);
        var figures = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var heldScores = heldOut.Select(r => (r, Classifier: Probability(final, r.Vector))).ToArray();
        void Figures(string name, Func<Row, double, double> score)
        {
            var s = heldScores.Select(x => score(x.r, x.Classifier)).ToArray();
            figures[name + ".attack_detection"] = Math.Round(Rate(heldOut, s, r => r.Attack), 4);
            figures[name + ".notinject_false_positives"] = Math.Round(Rate(heldOut, s, r => r.Source.StartsWith("injection_notinject", StringComparison.Ordinal)), 4);
            figures[name + ".covidqa_false_positives"] = Math.Round(Rate(heldOut, s, r => r.Source.StartsWith("rag_covidqa", StringComparison.Ordinal)), 4);
        }
        Figures("heuristics", (r, _) => r.Heuristic);
        Figures("classifier", (_, c) => c);
        Figures("always", (r, c) => best.Weight * r.Heuristic + (1 - best.Weight) * c);
        Figures("uncertain", (r, c) => Combined(r.Heuristic, c, best.Weight, options));
        foreach (var (name, value) in figures)
        {
            Console.WriteLine(Invariant($"held out {name}: {value:P1}"));
        }

        var model = new InjectionModel(embedder.Model, maxCharacters, best.Weight, final.Bias, final.Weights.Select(w => (float)w).ToArray(),
            new InjectionModelProvenance(
                $"dotnet run -c Release --project bench/GuardrailBench -- train-injection {seed} {maxCharacters}",
                seed, InjectionSplit.HeldOutShare, L2, files, figures));
        var output = Path.Combine(root, "GuardrailService", "Injection", "injection-classifier.json");
        File.WriteAllText(output, JsonSerializer.Serialize(model, JsonOptions) + "\n");
        Console.WriteLine(Invariant($"heuristic weight {best.Weight:F2}; wrote {output}"));
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private static double Combined(double heuristic, double classifier, double weight, InjectionClassifierOptions options) =>
        heuristic >= options.UncertainFrom && heuristic < options.UncertainTo
            ? weight * heuristic + (1 - weight) * classifier
            : heuristic;

    /// <summary>Share of the rows selected by <paramref name="which"/> scoring at or above the threshold.</summary>
    private static double Rate(IReadOnlyList<Row> rows, IReadOnlyList<double> scores, Func<Row, bool> which)
    {
        var (count, flagged) = (0, 0);
        for (var i = 0; i < rows.Count; i++)
        {
            if (which(rows[i]))
            {
                count++;
                flagged += scores[i] >= Threshold ? 1 : 0;
            }
        }
        return count == 0 ? 0 : (double)flagged / count;
    }

    private sealed record Fitted(double Bias, double[] Weights);

    private static double Probability(Fitted fit, float[] x)
    {
        var z = fit.Bias;
        for (var j = 0; j < x.Length; j++)
        {
            z += fit.Weights[j] * x[j];
        }
        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>Weighted logistic regression with an L2 penalty, by full-batch gradient descent with Adam steps.</summary>
    private static Fitted Fit(IReadOnlyList<Row> rows)
    {
        var dimensions = rows[0].Vector.Length;
        var weights = new double[dimensions + 1];
        var (m, v) = (new double[dimensions + 1], new double[dimensions + 1]);
        const double rate = 0.05, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        var total = rows.Sum(r => r.Weight);
        var gradient = new double[dimensions + 1];
        for (var epoch = 1; epoch <= Epochs; epoch++)
        {
            Array.Clear(gradient);
            foreach (var row in rows)
            {
                var z = weights[dimensions];
                for (var j = 0; j < dimensions; j++)
                {
                    z += weights[j] * row.Vector[j];
                }
                var error = (1 / (1 + Math.Exp(-z)) - (row.Attack ? 1 : 0)) * row.Weight / total;
                for (var j = 0; j < dimensions; j++)
                {
                    gradient[j] += error * row.Vector[j];
                }
                gradient[dimensions] += error;
            }
            for (var j = 0; j <= dimensions; j++)
            {
                var g = gradient[j] + (j < dimensions ? L2 * weights[j] : 0);
                m[j] = beta1 * m[j] + (1 - beta1) * g;
                v[j] = beta2 * v[j] + (1 - beta2) * g * g;
                weights[j] -= rate * (m[j] / (1 - Math.Pow(beta1, epoch))) / (Math.Sqrt(v[j] / (1 - Math.Pow(beta2, epoch))) + epsilon);
            }
        }
        return new Fitted(weights[dimensions], weights[..dimensions]);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run from inside the repository (AiAspire.sln not found above the current folder).");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
