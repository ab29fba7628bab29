namespace AiAspire.Gateway.Authentication;

/// <summary>Finds the identity behind a presented API key.</summary>
public interface IApiKeyStore
{
    ValueTask<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken);
}
