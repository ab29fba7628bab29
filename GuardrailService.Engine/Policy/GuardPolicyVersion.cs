using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace AiAspire.GuardrailService.Policy;

/// <summary>
/// A fingerprint of everything that decides this service's verdicts: every setting under <c>Guardrails</c> (tenant
/// policies, PII, injection and leak detector settings, limits) and the build (recognizers, lexicons and the embedded
/// injection classifier). Sent with every input and output verdict, so that a caller may reuse a verdict it already
/// has for the same text only while the version is unchanged. Recomputed when the configuration reloads.
/// </summary>
public sealed class GuardPolicyVersion : IDisposable
{
    public const string Section = "Guardrails";

    private readonly IConfiguration _configuration;
    private readonly IDisposable _subscription;
    private volatile string _current;

    public GuardPolicyVersion(IConfiguration configuration)
    {
        _configuration = configuration;
        _current = Compute(configuration);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => _current = Compute(_configuration));
    }

    public string Current => _current;

    /// <summary>16 hex digits of a SHA-256 over the build's id and the section's settings, sorted by key.</summary>
    internal static string Compute(IConfiguration configuration)
    {
        var text = new StringBuilder(typeof(GuardPolicyVersion).Assembly.ManifestModule.ModuleVersionId.ToString("N"));
        foreach (var (key, value) in configuration.GetSection(Section).AsEnumerable().OrderBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase))
        {
            // Keys are case-insensitive in configuration; values are not.
            text.Append('\n').Append(key.ToUpperInvariant()).Append('=').Append(value);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 8);
    }

    public void Dispose() => _subscription.Dispose();
}
