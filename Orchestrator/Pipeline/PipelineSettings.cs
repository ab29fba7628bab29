namespace AiAspire.Orchestrator.Pipeline;

/// <summary>The pipeline as resolved for one request's tenant and route.</summary>
public sealed record PipelineSettings(
    IReadOnlyList<string> Steps,
    string DefaultCollection,
    int RetrieveTopK,
    double RetrieveMinScore,
    string? Template,
    int MaxMessages,
    int MaxCharacters);
