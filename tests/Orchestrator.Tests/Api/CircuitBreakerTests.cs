using System.Net;
using AiAspire.Orchestrator.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace AiAspire.Orchestrator.Tests.Api;

/// <summary>When a downstream's circuit opens, the orchestrator still answers with a problem, never a 500.</summary>
[Collection(OrchestratorCollection.Name)]
public sealed class CircuitBreakerTests
{
    private readonly OrchestratorApp _app;

    public CircuitBreakerTests(OrchestratorApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task GuardrailsCircuitOpen_Is503ProblemJson_NotA500()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:cache", _app.Redis.ConnectionString)
            .UseSetting("services:guardrailservice:http:0", _app.Guardrails.Address)
            .UseSetting("services:ragservice:http:0", _app.Rag.Address)
            .UseSetting("services:routerservice:http:0", _app.Router.Address)
            .UseSetting("EventBus:SpillPath", _app.NewSpillPath())
            .UseSetting("Logging:LogLevel:Default", "Critical")
            .ConfigureTestServices(services => services.ConfigureAll<HttpStandardResilienceOptions>(options =>
            {
                options.Retry.Delay = TimeSpan.FromMilliseconds(1);
                options.CircuitBreaker.MinimumThroughput = 2;
                options.CircuitBreaker.FailureRatio = 0.1;
                options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
            })));
        _app.Guardrails.FailWith = 500;
        using var client = OrchestratorApp.CreateClient(factory, "tenant-breaker");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            var response = await Chat.PostAsync(client, Chat.Request("Hello"));
            statuses.Add(response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.Empty(_app.Router.CompleteRequests);
    }
}
