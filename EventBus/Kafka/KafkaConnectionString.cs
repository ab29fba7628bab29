using System.Data.Common;

namespace AiAspire.EventBus.Kafka;

/// <summary>
/// Reads the connection string <c>events</c>: either bootstrap servers alone (<c>host:9092,host2:9092</c>), or
/// <c>Key=Value</c> pairs — <c>BootstrapServers</c>, <c>SecurityProtocol</c>, <c>SaslMechanism</c>,
/// <c>SaslUsername</c>, <c>SaslPassword</c>, <c>SslCaLocation</c> (Kafka's dotted names such as
/// <c>bootstrap.servers</c> work too). A value holding <c>;</c> or <c>=</c> — an Event Hubs connection string as the
/// password — is quoted: <c>SaslPassword="Endpoint=sb://…;SharedAccessKey=…"</c>.
/// </summary>
public static class KafkaConnectionString
{
    /// <summary>Copies what <paramref name="connectionString"/> says onto <paramref name="options"/>, over what configuration said.</summary>
    /// <exception cref="FormatException">The string is neither form, or names an unknown key (the message never quotes a value).</exception>
    public static void ApplyTo(string connectionString, KafkaOptions options)
    {
        if (!connectionString.Contains('=', StringComparison.Ordinal))
        {
            options.BootstrapServers = connectionString.Trim();
            return;
        }

        var pairs = new DbConnectionStringBuilder();
        try
        {
            pairs.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            throw new FormatException(
                "The connection string 'events' is neither bootstrap servers (host:port,…) nor Key=Value pairs; quote a value that holds ';' or '='.");
        }

        foreach (string key in pairs.Keys)
        {
            var value = pairs[key] as string;
            switch (Normalize(key))
            {
                case "bootstrapservers":
                    options.BootstrapServers = value?.Trim();
                    break;
                case "securityprotocol":
                    options.SecurityProtocol = value;
                    break;
                case "saslmechanism" or "saslmechanisms":
                    options.SaslMechanism = value;
                    break;
                case "saslusername":
                    options.SaslUsername = value;
                    break;
                case "saslpassword":
                    options.SaslPassword = value;
                    break;
                case "sslcalocation":
                    options.SslCaLocation = value;
                    break;
                default:
                    throw new FormatException(
                        $"The connection string 'events' has the unknown key '{key}'; use BootstrapServers, SecurityProtocol, SaslMechanism, SaslUsername, SaslPassword or SslCaLocation.");
            }
        }
    }

    private static string Normalize(string key) =>
        key.Replace(".", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
