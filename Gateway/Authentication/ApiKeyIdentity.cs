namespace AiAspire.Gateway.Authentication;

/// <summary>Who an API key speaks for.</summary>
public sealed record ApiKeyIdentity(string KeyId, string Tenant, IReadOnlySet<string> Scopes);
