namespace AiAspire.RouterService.Catalog;

/// <summary>A resolved catalog entry: options plus its name and whether it can be called now.</summary>
/// <param name="UnavailableReason">Why it cannot be called (missing credential, unknown provider), or null.</param>
public sealed record Deployment(string Name, DeploymentOptions Options, string? ApiKey, string? Endpoint, string? UnavailableReason)
{
    public string ModelId => string.IsNullOrWhiteSpace(Options.ModelId) ? Name : Options.ModelId;

    public bool IsAvailable => UnavailableReason is null;

    public decimal Cost(int inputTokens, int outputTokens) =>
        (inputTokens * Options.InputPricePer1M + outputTokens * Options.OutputPricePer1M) / 1_000_000m;

    public bool Can(string capability) => Options.Capabilities.Contains(capability, StringComparer.OrdinalIgnoreCase);

    /// <summary>The output budget the router asks this deployment for: the request's, capped by the catalog's.</summary>
    public int OutputBudget(int? requested) =>
        Math.Min(requested ?? Options.MaxOutputTokens, Options.MaxOutputTokens);
}
