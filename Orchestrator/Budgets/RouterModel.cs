namespace AiAspire.Orchestrator.Budgets;

/// <summary>
/// One entry of RouterService's <c>GET /v1/models</c> as the budget reads it: a deployment or route with its context
/// window and output limit, when the router reports them.
/// </summary>
public sealed record RouterModel(string Id, string Kind, string? Model, int? ContextWindow, int? MaxOutputTokens);
