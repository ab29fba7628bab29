namespace AiAspire.Orchestrator.Budgets;

/// <summary>What the budget needs to know about the model a request names.</summary>
/// <param name="ContextWindow">Tokens the model can take in and put out together; null when nobody reports it.</param>
/// <param name="MaxOutputTokens">The most the deployment writes (and what it writes when the request sets no limit).</param>
public sealed record ModelLimits(string Name, int? ContextWindow, int? MaxOutputTokens, string Encoding);
