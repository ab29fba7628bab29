namespace AiAspire.Gateway.Authentication;

/// <summary>The key store could not answer and no cached answer was fresh enough.</summary>
public sealed class ApiKeyStoreUnavailableException(string message, Exception inner) : Exception(message, inner);
