namespace AiAspire.RouterService.Catalog;

public static class ProviderNames
{
    public const string Offline = "offline";
    public const string OpenAI = "openai";
    public const string OpenAICompatible = "openai-compatible";
    public const string AzureOpenAI = "azure-openai";
    public const string Anthropic = "anthropic";
}
