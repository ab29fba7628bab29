namespace AiAspire.RouterService.Offline;

/// <summary>A provider-neutral token estimate (about four characters a token) for usage when a provider reports none.</summary>
public static class TokenEstimator
{
    public const int CharactersPerToken = 4;

    public static int Estimate(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : (text.Length + CharactersPerToken - 1) / CharactersPerToken;
}
