using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AiAspire.Gateway.Authentication;

/// <summary>
/// Keys from configuration, compared by SHA-256 digest in constant time so a key never sits in memory as a
/// lookup string and timing reveals nothing. Re-reads configuration on change.
/// </summary>
public sealed class ConfiguredApiKeyStore : IApiKeyStore
{
    public const string DevTenant = "dev";

    private volatile IReadOnlyList<(byte[] Digest, ApiKeyIdentity Identity)> _keys = [];

    public ConfiguredApiKeyStore(IOptionsMonitor<ApiKeyOptions> options)
    {
        Load(options.CurrentValue);
        options.OnChange(Load);
    }

    public ValueTask<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var length = Encoding.UTF8.GetMaxByteCount(presentedKey.Length);
        Span<byte> utf8 = length <= 2048 ? stackalloc byte[length] : new byte[length];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(presentedKey, utf8)], digest);
        ApiKeyIdentity? found = null;
        foreach (var (candidate, identity) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
            {
                found = identity;
            }
        }
        return ValueTask.FromResult(found);
    }

    private void Load(ApiKeyOptions options)
    {
        var keys = new List<(byte[], ApiKeyIdentity)>();
        if (!string.IsNullOrWhiteSpace(options.DevApiKey))
        {
            keys.Add((Digest(options.DevApiKey), new ApiKeyIdentity("dev", DevTenant, Scopes.All, ApiKeyIdentity.AnyModel, Bootstrap: true)));
        }
        foreach (var (id, key) in options.Keys)
        {
            if (!string.IsNullOrWhiteSpace(key.Key) && !string.IsNullOrWhiteSpace(key.Tenant))
            {
                keys.Add((Digest(key.Key), new ApiKeyIdentity(id, key.Tenant, key.Scopes.ToHashSet(StringComparer.Ordinal),
                    key.Models.ToHashSet(StringComparer.Ordinal), Bootstrap: true)));
            }
        }
        _keys = keys;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
