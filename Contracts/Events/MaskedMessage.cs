namespace AiAspire.Contracts.Events;

/// <summary>One chat message with PII already masked.</summary>
/// <param name="Role">system, user or assistant.</param>
public sealed record MaskedMessage(string Role, string Content);
