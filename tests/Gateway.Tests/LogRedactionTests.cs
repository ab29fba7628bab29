using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// ServiceDefaults' log redaction: a value classified <see cref="SecretDataAttribute"/> or
/// <see cref="PersonalDataAttribute"/> never reaches a log sink as written, and every service (here the gateway) has it on.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class LogRedactionTests(GatewayApp app)
{
    private const string ApiKey = "sk-aia-redaction-0123456789abcdef";
    private const string Email = "jane.doe.redaction@example.org";
    private const string Tenant = "redaction-tenant";

    [Fact]
    public void ClassifiedValues_AreErased_UnclassifiedOnesKept()
    {
        var (lines, host) = LogOnce(hmacKey: null);
        using (host)
        {
            var line = Assert.Single(lines, l => l.Contains("Key for", StringComparison.Ordinal));
            Assert.DoesNotContain(ApiKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(ApiKey[7..], line, StringComparison.Ordinal);
            Assert.DoesNotContain(Email, line, StringComparison.Ordinal);
            Assert.Contains(Tenant, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PersonalData_WithAnHmacKey_BecomesAStableDigest_SecretsStayErased()
    {
        var hmacKey = Convert.ToBase64String(Enumerable.Range(1, 48).Select(i => (byte)i).ToArray());
        var (lines, host) = LogOnce(hmacKey);
        using (host)
        {
            var logged = lines.Where(l => l.Contains("Key for", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, logged.Count);
            Assert.All(logged, line => Assert.DoesNotContain(ApiKey, line, StringComparison.Ordinal));
            Assert.All(logged, line => Assert.DoesNotContain(Email, line, StringComparison.Ordinal));
            // The same address gives the same digest (correlatable), tagged with the key id for rotation.
            var digests = logged.Select(line => Regex.Match(line, @" Email=(\S+)").Groups[1].Value).ToList();
            Assert.StartsWith("7:", digests[0], StringComparison.Ordinal);
            Assert.True(digests[0].Length > 10, digests[0]);
            Assert.Equal(digests[0], digests[1]);
        }
    }

    [Fact]
    public void TheGateway_RedactsSecretsAndPersonalData()
    {
        var redactors = app.Factory.Services.GetRequiredService<IRedactorProvider>();

        Assert.Equal(string.Empty, redactors.GetRedactor(DataClasses.Secret).Redact(ApiKey));
        Assert.DoesNotContain(Email, redactors.GetRedactor(DataClasses.Personal).Redact(Email), StringComparison.Ordinal);
    }

    private static (IReadOnlyList<string> Lines, IHost Host) LogOnce(string? hmacKey)
    {
        var builder = Host.CreateApplicationBuilder();
        if (hmacKey is not null)
        {
            builder.Configuration[Redaction.HmacKeySetting] = hmacKey;
            builder.Configuration[Redaction.HmacKeyIdSetting] = "7";
        }
        builder.Logging.ClearProviders();
        var logs = new CapturingLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.AddLogRedaction();
        var host = builder.Build();

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger<LogRedactionTests>();
        LogKey(logger, Tenant, ApiKey, Email);
        if (hmacKey is not null)
        {
            LogKey(logger, Tenant, ApiKey, Email);
        }
        return (logs.Lines, host);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key for {Tenant}: {ApiKey}, owner {Email}")]
    private static partial void LogKey(ILogger logger, string tenant, [SecretData] string apiKey, [PersonalData] string email);
}
