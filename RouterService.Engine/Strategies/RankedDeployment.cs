using AiAspire.RouterService.Catalog;

namespace AiAspire.RouterService.Strategies;

/// <summary>A candidate in a strategy's order, with the score it was ranked by and what that score means.</summary>
public sealed record RankedDeployment(Deployment Deployment, double Score, string Reason);
