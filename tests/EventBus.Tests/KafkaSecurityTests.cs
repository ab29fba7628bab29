using AiAspire.EventBus.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiAspire.EventBus.Tests;

/// <summary>SASL/TLS settings (Event Hubs' Kafka endpoint, Confluent Cloud) from configuration and the connection string, onto every client.</summary>
public sealed class KafkaSecurityTests
{
    private const string EventHubsPassword =
        "Endpoint=sb://aiaspire.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VjcmV0LWtleS12YWx1ZQ==";

    private static readonly string EventHubsConnectionString =
        $"BootstrapServers=aiaspire.servicebus.windows.net:9093;SecurityProtocol=SASL_SSL;SaslMechanism=PLAIN;SaslUsername=$ConnectionString;SaslPassword=\"{EventHubsPassword}\"";

    [Fact]
    public void BootstrapServersAlone_ArePlaintextWithNoCredentials()
    {
        var connection = Connect("broker-1:9092,broker-2:9092");

        var config = KafkaConfigs.Producer(connection);

        Assert.Equal("broker-1:9092,broker-2:9092", config.BootstrapServers);
        Assert.Null(config.SecurityProtocol);
        Assert.Null(config.SaslMechanism);
        Assert.Null(config.SaslUsername);
        Assert.Null(config.SaslPassword);
    }

    [Fact]
    public void EventHubsConnectionString_MapsOntoProducerConsumerAndAdminConfigs()
    {
        var connection = Connect(EventHubsConnectionString);

        ClientConfig[] configs = [KafkaConfigs.Producer(connection), KafkaConfigs.Consumer(connection, "feedbackworker"), KafkaConfigs.Admin(connection)];

        foreach (var config in configs)
        {
            Assert.Equal("aiaspire.servicebus.windows.net:9093", config.BootstrapServers);
            Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
            Assert.Equal(SaslMechanism.Plain, config.SaslMechanism);
            Assert.Equal("$ConnectionString", config.SaslUsername);
            Assert.Equal(EventHubsPassword, config.SaslPassword);
            Assert.Equal("sasl.password", Assert.Single(config, p => p.Value == EventHubsPassword).Key);
        }
    }

    [Fact]
    public void ConfigurationSection_SuppliesSecurity_ForPlainBootstrapServers()
    {
        var connection = Resolve("pkc-123.westeurope.azure.confluent.cloud:9092", new()
        {
            ["EventBus:Kafka:SecurityProtocol"] = "SaslSsl",
            ["EventBus:Kafka:SaslMechanism"] = "ScramSha512",
            ["EventBus:Kafka:SaslUsername"] = "ABCDEFGHIJKLMNOP",
            ["EventBus:Kafka:SaslPassword"] = "confluent-api-secret",
            ["EventBus:Kafka:SslCaLocation"] = "/etc/ssl/certs/ca-certificates.crt",
        });

        var config = KafkaConfigs.Consumer(connection, "g");

        Assert.Equal("pkc-123.westeurope.azure.confluent.cloud:9092", config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal("ABCDEFGHIJKLMNOP", config.SaslUsername);
        Assert.Equal("confluent-api-secret", config.SaslPassword);
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", config.SslCaLocation);
    }

    [Fact]
    public void ConnectionString_WinsOverTheConfigurationSection()
    {
        var connection = Resolve(EventHubsConnectionString, new()
        {
            ["EventBus:Kafka:SaslUsername"] = "someone-else",
            ["EventBus:Kafka:SaslPassword"] = "old-password",
            ["EventBus:Kafka:SslCaLocation"] = "probe",
        });

        Assert.Equal("$ConnectionString", connection.SaslUsername);
        Assert.Equal(EventHubsPassword, connection.SaslPassword);
        Assert.Equal("probe", connection.SslCaLocation);
    }

    [Fact]
    public void UserAndPasswordAlone_DefaultToSaslSslWithPlain_NeverPlaintext()
    {
        var connection = Connect("BootstrapServers=b:9093;SaslUsername=user;SaslPassword=pass");

        Assert.Equal(SecurityProtocol.SaslSsl, connection.SecurityProtocol);
        Assert.Equal(SaslMechanism.Plain, connection.SaslMechanism);
    }

    [Theory]
    [InlineData("sasl_ssl", "scram-sha-256", SecurityProtocol.SaslSsl, SaslMechanism.ScramSha256)]
    [InlineData("SaslPlaintext", "Plain", SecurityProtocol.SaslPlaintext, SaslMechanism.Plain)]
    [InlineData("SASL_SSL", "SCRAM-SHA-512", SecurityProtocol.SaslSsl, SaslMechanism.ScramSha512)]
    public void KafkasOwnSpellingsAndEnumNames_AreBothAccepted(string protocol, string mechanism, SecurityProtocol expectedProtocol, SaslMechanism expectedMechanism)
    {
        var connection = Connect($"bootstrap.servers=b:9093;security.protocol={protocol};sasl.mechanism={mechanism};sasl.username=u;sasl.password=p");

        Assert.Equal(expectedProtocol, connection.SecurityProtocol);
        Assert.Equal(expectedMechanism, connection.SaslMechanism);
    }

    [Fact]
    public void TlsWithoutSasl_TakesACaLocation()
    {
        var connection = Connect("BootstrapServers=b:9093;SecurityProtocol=Ssl;SslCaLocation=/certs/ca.pem");

        var config = KafkaConfigs.Admin(connection);

        Assert.Equal(SecurityProtocol.Ssl, config.SecurityProtocol);
        Assert.Equal("/certs/ca.pem", config.SslCaLocation);
        Assert.Null(config.SaslMechanism);
    }

    [Theory]
    [InlineData("BootstrapServers=b:9093;SecurityProtocol=SaslSsl", "SaslUsername and SaslPassword")]
    [InlineData("BootstrapServers=b:9093;SaslUsername=u", "SaslUsername and SaslPassword")]
    [InlineData("BootstrapServers=b:9093;SaslPassword=p", "SaslPassword is set without SaslUsername")]
    [InlineData("BootstrapServers=b:9093;SecurityProtocol=Plaintext;SaslUsername=u;SaslPassword=p", "use SaslSsl")]
    [InlineData("BootstrapServers=b:9093;SecurityProtocol=Tls13", "SecurityProtocol is 'Tls13'")]
    [InlineData("BootstrapServers=b:9093;SaslMechanism=Kerberos5;SaslUsername=u;SaslPassword=p", "SaslMechanism is 'Kerberos5'")]
    [InlineData("BootstrapServers=b:9093;SslCaLocation=/ca.pem", "uses no TLS")]
    [InlineData("SecurityProtocol=SaslSsl;SaslUsername=u;SaslPassword=p", "names no bootstrap servers")]
    public void SettingsThatDoNotFit_StopTheServiceOnStart_NamingTheSetting(string connectionString, string expected)
    {
        using var services = Services(connectionString, []);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaOptions>>().Value);

        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("BootstrapServers=b:9093;Password=hunter2-secret", "unknown key 'password'")]
    [InlineData("BootstrapServers=b:9093;SaslPassword=\"hunter2-secret", "quote a value")]
    public void UnreadableConnectionStrings_AreRejected_WithoutQuotingTheirValues(string connectionString, string expected)
    {
        using var services = Services(connectionString, []);

        var error = Assert.Throws<FormatException>(() => services.GetRequiredService<IOptions<KafkaOptions>>().Value);

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void ThePassword_IsNeverInToStringOrValidationMessages()
    {
        var connection = Connect(EventHubsConnectionString);
        Assert.Equal("aiaspire.servicebus.windows.net:9093 (SaslSsl, Plain as $ConnectionString)", connection.ToString());
        Assert.DoesNotContain("SharedAccessKey", connection.ToString());

        using var services = Services($"BootstrapServers=b:9093;SecurityProtocol=Plaintext;SaslUsername=u;SaslPassword=\"{EventHubsPassword}\"", []);
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaOptions>>().Value);
        Assert.DoesNotContain("SharedAccessKey", error.Message);
    }

    [Fact]
    public void AddKafkaTransport_RegistersTheKafkaTransport_OverTheResolvedConnection()
    {
        using var services = Services(EventHubsConnectionString, []);

        Assert.IsType<KafkaTransport>(services.GetRequiredService<IEventTransport>());
        Assert.Equal(SecurityProtocol.SaslSsl, services.GetRequiredService<KafkaConnection>().SecurityProtocol);
    }

    private static KafkaConnection Connect(string connectionString) => Resolve(connectionString, []);

    private static KafkaConnection Resolve(string connectionString, Dictionary<string, string?> settings)
    {
        using var services = Services(connectionString, settings);
        return services.GetRequiredService<KafkaConnection>();
    }

    private static ServiceProvider Services(string connectionString, Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddKafkaTransport(connectionString);
        return services.BuildServiceProvider();
    }
}
