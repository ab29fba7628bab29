using Confluent.Kafka;

namespace AiAspire.EventBus.Kafka;

/// <summary>Where the brokers are and how to authenticate to them: applied to every producer, consumer and admin client.</summary>
public sealed class KafkaConnection(string bootstrapServers)
{
    public string BootstrapServers { get; } = bootstrapServers;

    public SecurityProtocol? SecurityProtocol { get; init; }

    public SaslMechanism? SaslMechanism { get; init; }

    public string? SaslUsername { get; init; }

    /// <summary>A secret: never part of <see cref="ToString"/>.</summary>
    public string? SaslPassword { get; init; }

    public string? SslCaLocation { get; init; }

    /// <summary>The connection the validated options describe, with the defaults <see cref="KafkaOptions"/> documents filled in.</summary>
    /// <exception cref="InvalidOperationException">The options are not valid (see <see cref="Problems"/>).</exception>
    public static KafkaConnection From(KafkaOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        var hasUser = !string.IsNullOrEmpty(options.SaslUsername);
        var protocol = ParseProtocol(options.SecurityProtocol) ?? (hasUser ? Confluent.Kafka.SecurityProtocol.SaslSsl : null);
        return new KafkaConnection(options.BootstrapServers!)
        {
            SecurityProtocol = protocol,
            SaslMechanism = ParseMechanism(options.SaslMechanism) ?? (hasUser ? Confluent.Kafka.SaslMechanism.Plain : null),
            SaslUsername = NullIfEmpty(options.SaslUsername),
            SaslPassword = NullIfEmpty(options.SaslPassword),
            SslCaLocation = NullIfEmpty(options.SslCaLocation),
        };
    }

    /// <summary>What is wrong with <paramref name="options"/>, in words that name settings and never quote a secret.</summary>
    public static IReadOnlyList<string> Problems(KafkaOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            problems.Add("The connection string 'events' names no bootstrap servers.");
        }

        var protocol = ParseProtocol(options.SecurityProtocol);
        if (protocol is null && !string.IsNullOrWhiteSpace(options.SecurityProtocol))
        {
            problems.Add($"{KafkaOptions.Section}:SecurityProtocol is '{options.SecurityProtocol}'; use Plaintext, Ssl, SaslPlaintext or SaslSsl.");
        }
        var mechanism = ParseMechanism(options.SaslMechanism);
        if (mechanism is null && !string.IsNullOrWhiteSpace(options.SaslMechanism))
        {
            problems.Add($"{KafkaOptions.Section}:SaslMechanism is '{options.SaslMechanism}'; use Plain, ScramSha256, ScramSha512, Gssapi or OAuthBearer.");
        }

        var hasUser = !string.IsNullOrEmpty(options.SaslUsername);
        var hasPassword = !string.IsNullOrEmpty(options.SaslPassword);
        var effectiveProtocol = protocol ?? (hasUser ? Confluent.Kafka.SecurityProtocol.SaslSsl : Confluent.Kafka.SecurityProtocol.Plaintext);
        var sasl = effectiveProtocol is Confluent.Kafka.SecurityProtocol.SaslSsl or Confluent.Kafka.SecurityProtocol.SaslPlaintext;
        var effectiveMechanism = mechanism ?? (hasUser ? Confluent.Kafka.SaslMechanism.Plain : null);

        if (hasPassword && !hasUser)
        {
            problems.Add($"{KafkaOptions.Section}:SaslPassword is set without SaslUsername.");
        }
        if (!sasl && (hasUser || hasPassword || mechanism is not null))
        {
            problems.Add($"SASL settings are given but {KafkaOptions.Section}:SecurityProtocol is {effectiveProtocol}; use SaslSsl (or SaslPlaintext).");
        }
        var needsPassword = effectiveMechanism is null or Confluent.Kafka.SaslMechanism.Plain
            or Confluent.Kafka.SaslMechanism.ScramSha256 or Confluent.Kafka.SaslMechanism.ScramSha512;
        if (sasl && needsPassword && !(hasUser && hasPassword))
        {
            problems.Add($"{KafkaOptions.Section}:SecurityProtocol is {effectiveProtocol}: set SaslUsername and SaslPassword (and SaslMechanism, Plain by default).");
        }
        if (!string.IsNullOrEmpty(options.SslCaLocation) && effectiveProtocol is not (Confluent.Kafka.SecurityProtocol.Ssl or Confluent.Kafka.SecurityProtocol.SaslSsl))
        {
            problems.Add($"{KafkaOptions.Section}:SslCaLocation is set but SecurityProtocol is {effectiveProtocol}, which uses no TLS.");
        }
        return problems;
    }

    /// <summary>Sets the brokers and the security settings on a producer's, consumer's or admin client's config.</summary>
    public T ApplyTo<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        config.SecurityProtocol = SecurityProtocol;
        config.SaslMechanism = SaslMechanism;
        config.SaslUsername = SaslUsername;
        config.SaslPassword = SaslPassword;
        config.SslCaLocation = SslCaLocation;
        return config;
    }

    /// <summary>The brokers and how they are reached; the password is never shown.</summary>
    public override string ToString()
    {
        var protocol = SecurityProtocol ?? Confluent.Kafka.SecurityProtocol.Plaintext;
        return SaslMechanism is { } mechanism
            ? $"{BootstrapServers} ({protocol}, {mechanism} as {SaslUsername})"
            : $"{BootstrapServers} ({protocol})";
    }

    private static SecurityProtocol? ParseProtocol(string? value) => Parse<SecurityProtocol>(value);

    private static SaslMechanism? ParseMechanism(string? value) => Parse<SaslMechanism>(value);

    /// <summary>Enum names in any case, with or without Kafka's <c>_</c> and <c>-</c> (<c>SASL_SSL</c>, <c>SCRAM-SHA-256</c>).</summary>
    private static TEnum? Parse<TEnum>(string? value) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var compact = value.Trim().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (string.Equals(name, compact, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<TEnum>(name);
            }
        }
        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
