using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace AiAspire.GuardrailService.Masking;

/// <summary>Vault ids: 128 random bits as 32 lower-case hex characters; unguessable, so they carry no meaning.</summary>
public static class VaultId
{
    public const int Length = 32;

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdefABCDEF");

    public static string New() => RandomNumberGenerator.GetHexString(Length, lowercase: true);

    /// <summary>Accepts any case; false for anything that could not have been issued.</summary>
    public static bool TryNormalize(string? candidate, [NotNullWhen(true)] out string? normalized)
    {
        if (candidate is { Length: Length } && !candidate.AsSpan().ContainsAnyExcept(Hex))
        {
            normalized = candidate.ToLowerInvariant();
            return true;
        }
        normalized = null;
        return false;
    }
}
