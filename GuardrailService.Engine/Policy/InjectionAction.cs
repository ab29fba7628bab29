namespace AiAspire.GuardrailService.Policy;

/// <summary>What the guards do with a text whose injection score reaches the tenant's threshold.</summary>
public enum InjectionAction
{
    /// <summary>Refuse the request (or drop the document) with a reason.</summary>
    Block,

    /// <summary>Let it through, marked as flagged in the verdict's checks, for the caller to decide or log.</summary>
    Flag,

    /// <summary>Do not run the detector.</summary>
    Off,
}
