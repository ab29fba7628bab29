using System.ComponentModel.DataAnnotations;

namespace AiAspire.Orchestrator.Budgets;

/// <summary>How prompts are fitted to the model's context window.</summary>
public sealed class TokenBudgetOptions
{
    public const string Section = "TokenBudget";

    /// <summary>How long the router's model list (context windows, output limits) is reused before it is asked again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LimitsTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The route the router uses for a request that names no model (its <c>Catalog:DefaultRoute</c>).</summary>
    [Required]
    public string DefaultRoute { get; set; } = "auto";

    /// <summary>The encoding of a model whose family is not known (a local or non-OpenAI model): "o200k_base" or "cl100k_base".</summary>
    [RegularExpression("^(o200k_base|cl100k_base)$")]
    public string DefaultEncoding { get; set; } = TokenCounter.O200kBase;

    /// <summary>Output reserved when neither the request nor the model's limits say how long the answer may be.</summary>
    [Range(1, 1_000_000)]
    public int DefaultMaxOutputTokens { get; set; } = 1_024;

    /// <summary>Limits by model or route name; they win over what the router reports (and stand in when it reports nothing).</summary>
    public Dictionary<string, ModelLimitsOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
