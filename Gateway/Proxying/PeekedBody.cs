namespace AiAspire.Gateway.Proxying;

/// <summary>What an OpenAI-style request body says about its cost.</summary>
/// <param name="PromptCharacters">Characters of text in the body besides the model name.</param>
/// <param name="MaxOutputTokens">max_completion_tokens, max_tokens or max_output_tokens, when given.</param>
public sealed record PeekedBody(string? Model, long PromptCharacters, long? MaxOutputTokens)
{
    /// <summary>About four characters a token for English text; reconciliation with actual usage corrects the rest.</summary>
    public long EstimatedPromptTokens => (PromptCharacters + 3) / 4;
}
