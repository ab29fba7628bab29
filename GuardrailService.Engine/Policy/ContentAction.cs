namespace AiAspire.GuardrailService.Policy;

/// <summary>What the guards do with a text scoring at or above the threshold in a content category.</summary>
public enum ContentAction
{
    /// <summary>Refuse the request (or withhold the answer) with a reason.</summary>
    Block,

    /// <summary>Let it through, marked as flagged in the verdict's checks.</summary>
    Flag,

    /// <summary>Do not check this category.</summary>
    Allow,
}
