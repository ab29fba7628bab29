using System.Net;
using AiAspire.Contracts;
using AiAspire.Orchestrator.Tests.Api;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>
/// The vault's Redis down: text with PII cannot be masked reversibly, so the request fails closed with 503 and
/// Retry-After in both modes and never reaches a model. Fixtures of their own, because these tests stop Redis.
/// </summary>
public abstract class VaultOutageTests
{
    private readonly GuardModeApp _app;

    protected VaultOutageTests(GuardModeApp app)
    {
        _app = app;
        _app.Reset();
    }

    [Fact]
    public async Task VaultDown_RequestWithPii_Is503WithRetryAfter_AndNeverReachesTheRouter()
    {
        using var client = _app.CreateClient();
        _app.Redis.Stop();
        HttpResponseMessage response;
        try
        {
            response = await Chat.PostAsync(client, Chat.Request("Please mail jane.doe@example.com about the invoice."));
        }
        finally
        {
            await _app.Redis.StartAsync();
        }

        var problem = await Chat.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, ProblemTypes.Unavailable);
        Assert.Equal("The input guardrails are unavailable, so the request was not sent to a model.", problem.GetProperty("detail").GetString());
        Assert.Equal("2", Chat.Header(response, "Retry-After"));
        Assert.DoesNotContain("jane.doe@example.com", await response.Content.ReadAsStringAsync());
        Assert.Empty(_app.Router.CompleteBodies);
    }
}

public sealed class ServiceVaultOutageTests(ServiceGuardApp app) : VaultOutageTests(app), IClassFixture<ServiceGuardApp>;

public sealed class ColocatedVaultOutageTests(ColocatedGuardApp app) : VaultOutageTests(app), IClassFixture<ColocatedGuardApp>;
