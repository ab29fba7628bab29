namespace AiAspire.Contracts.Guard;

/// <summary>Values of <see cref="GuardCheck.Name"/>.</summary>
public static class GuardCheckNames
{
    /// <summary>Prompt injection or jailbreak attempt.</summary>
    public const string Injection = "injection";

    /// <summary>Content-policy checks are named <c>content:&lt;category&gt;</c> (<c>content:weapons</c>).</summary>
    public const string ContentPrefix = "content:";

    /// <summary>An answer repeating a long span of its system prompt; the score is the share of the prompt repeated.</summary>
    public const string SystemPromptLeak = "system_prompt_leak";

    /// <summary>The answer checked against the requested JSON Schema: score 1 and flagged when it fails; signals are the errors.</summary>
    public const string JsonSchema = "json_schema";
}
