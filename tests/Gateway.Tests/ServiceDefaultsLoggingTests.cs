using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// ServiceDefaults keeps IHttpClientFactory's four Information messages per outgoing call out of every service's logs
/// by default, leaves every other category as configured, and lets configuration turn them back on.
/// </summary>
public sealed class ServiceDefaultsLoggingTests
{
    private const string CallCategory = "System.Net.Http.HttpClient.routerservice.LogicalHandler";

    [Fact]
    public void HttpClientCallMessages_AreOffByDefault_WarningsAndOtherCategoriesStayOn()
    {
        using var host = Build(settings: []);
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger(CallCategory).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger(CallCategory).IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("AiAspire.Gateway.Anything").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Configuration_TurnsHttpClientCallMessagesBackOn()
    {
        using var host = Build(settings: new() { ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Information" });

        Assert.True(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(CallCategory).IsEnabled(LogLevel.Information));
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["Logging:LogLevel:Default"] = "Information";
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
