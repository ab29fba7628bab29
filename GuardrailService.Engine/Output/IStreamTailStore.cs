namespace AiAspire.GuardrailService.Output;

/// <summary>
/// The end of what a stream's earlier windows said, kept between output checks so that a system prompt (or a content
/// term) split across two windows is still seen whole. Scoped to a tenant and kept for a limited time.
/// </summary>
public interface IStreamTailStore
{
    /// <summary>The tail saved for the stream, or null for its first window (or once it expired).</summary>
    /// <exception cref="Masking.VaultUnavailableException">The backing store could not be reached.</exception>
    Task<string?> LoadAsync(string tenant, string streamId, CancellationToken cancellationToken);

    /// <summary>The tail saved for the stream, forgotten in the same step (its last window is being checked).</summary>
    /// <exception cref="Masking.VaultUnavailableException">The backing store could not be reached.</exception>
    Task<string?> TakeAsync(string tenant, string streamId, CancellationToken cancellationToken);

    /// <exception cref="Masking.VaultUnavailableException">The backing store could not be reached.</exception>
    Task SaveAsync(string tenant, string streamId, string tail, CancellationToken cancellationToken);

    /// <summary>Forgets the stream (its last window was checked).</summary>
    /// <exception cref="Masking.VaultUnavailableException">The backing store could not be reached.</exception>
    Task DeleteAsync(string tenant, string streamId, CancellationToken cancellationToken);
}
