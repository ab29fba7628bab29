namespace AiAspire.Orchestrator.Budgets;

/// <summary>A model's limits as configured in the orchestrator; a null field is taken from the router.</summary>
public sealed class ModelLimitsOptions
{
    public int? ContextWindow { get; set; }

    public int? MaxOutputTokens { get; set; }

    /// <summary>"o200k_base" or "cl100k_base"; by default chosen from the model's family.</summary>
    public string? Encoding { get; set; }
}
