using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Proves that the internal identity headers (tenant, key id, scopes) were set by the gateway: an HMAC-SHA256 over
/// them and a timestamp, keyed with a secret only the gateway and the services hold. Services that receive the four
/// headers may forward them unchanged to other services, which verify the same signature.
/// </summary>
public static class InternalSignature
{
    /// <summary><c>t=&lt;unix seconds&gt;;v1=&lt;hex HMAC-SHA256 of "tenant|keyId|scopes|t"&gt;</c>: no comma, so no HTTP stack splits it.</summary>
    public const string Header = "x-aiaspire-signature";

    /// <summary>The gateway's secret (it falls back to <see cref="ServiceSecretKey"/>).</summary>
    public const string GatewaySecretKey = "Gateway:InternalSecret";

    /// <summary>Every service's copy of the secret (environment variable <c>Internal__Secret</c>).</summary>
    public const string ServiceSecretKey = "Internal:Secret";

    /// <summary>How old (or how far in the future) a signature may be.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, string tenant, string keyId, string scopes, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)};v1={Mac(secret, tenant, keyId, scopes, timestamp)}";
    }

    /// <summary>Null when the signature is valid for these headers at <paramref name="now"/>; otherwise why not.</summary>
    public static string? Verify(string secret, string tenant, string keyId, string scopes, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return "The request carries no gateway signature.";
        }
        var parts = signature.Split(";", 2);
        if (parts.Length != 2
            || !parts[0].StartsWith("t=", StringComparison.Ordinal)
            || !parts[1].StartsWith("v1=", StringComparison.Ordinal)
            || !long.TryParse(parts[0].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return "The gateway signature is malformed.";
        }
        var age = now.ToUnixTimeSeconds() - timestamp;
        if (Math.Abs(age) > (long)MaxAge.TotalSeconds)
        {
            return "The gateway signature has expired.";
        }
        var expected = Encoding.ASCII.GetBytes(Mac(secret, tenant, keyId, scopes, timestamp));
        var presented = Encoding.ASCII.GetBytes(parts[1][3..]);
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? null : "The gateway signature does not match.";
    }

    private static string Mac(string secret, string tenant, string keyId, string scopes, long timestamp)
    {
        // Stored keys' tenants, key ids and scopes never contain '|', so distinct identities never give the same message.
        var message = $"{tenant}|{keyId}|{scopes}|{timestamp.ToString(CultureInfo.InvariantCulture)}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
    }
}
