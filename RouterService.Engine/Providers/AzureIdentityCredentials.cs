using System.Collections.Concurrent;
using Azure.Core;
using Azure.Identity;

namespace AiAspire.RouterService.Providers;

/// <summary>
/// Azure.Identity's credentials, one per identity and kept for the process (each caches its tokens and refreshes them
/// before they expire): <see cref="ManagedIdentityCredential"/> for a named user-assigned identity,
/// <see cref="DefaultAzureCredential"/> otherwise (workload identity, managed identity, Azure CLI on a developer machine, …).
/// </summary>
public sealed class AzureIdentityCredentials : IAzureTokenCredentials
{
    private readonly ConcurrentDictionary<string, TokenCredential> _credentials = new(StringComparer.OrdinalIgnoreCase);

    public TokenCredential Get(string? managedIdentityClientId) =>
        _credentials.GetOrAdd(managedIdentityClientId ?? "", static clientId => clientId.Length == 0
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)));
}
