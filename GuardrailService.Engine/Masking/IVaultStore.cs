namespace AiAspire.GuardrailService.Masking;

/// <summary>Server-side placeholder mappings, scoped to a tenant and kept for a limited time.</summary>
public interface IVaultStore
{
    /// <summary>Stores <paramref name="entries"/> under a new vault id for <paramref name="tenant"/>.</summary>
    /// <exception cref="VaultUnavailableException">The backing store could not be reached.</exception>
    Task<string> SaveAsync(string tenant, IReadOnlyDictionary<string, string> entries, CancellationToken cancellationToken);

    /// <summary>The entries of a vault of <paramref name="tenant"/>, or null when it is unknown, expired or another tenant's.</summary>
    /// <exception cref="VaultUnavailableException">The backing store could not be reached.</exception>
    Task<IReadOnlyDictionary<string, string>?> LoadAsync(string tenant, string vaultId, CancellationToken cancellationToken);
}
