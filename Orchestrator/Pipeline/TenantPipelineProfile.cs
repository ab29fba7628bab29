namespace AiAspire.Orchestrator.Pipeline;

/// <summary>A tenant's overrides, and its own overrides per route.</summary>
public sealed class TenantPipelineProfile : PipelineProfile
{
    public Dictionary<string, PipelineProfile> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
