using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>Every verdict names the policy version it was made under, so that callers know when a verdict they keep still holds.</summary>
public sealed class PolicyVersionApiTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private static async Task<string?> InputVersionAsync(WebApplicationFactory<Program> factory)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-version");
        var response = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new GuardMessage("user", "When are invoices due?")]), ContractsJsonContext.Default.GuardInputRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse))!.PolicyVersion;
    }

    private static async Task<string?> OutputVersionAsync(WebApplicationFactory<Program> factory)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "tenant-version");
        var response = await client.PostAsJsonAsync("/v1/guard/output",
            new GuardOutputRequest("Invoices are due within thirty days.", null), ContractsJsonContext.Default.GuardOutputRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse))!.PolicyVersion;
    }

    [Fact]
    public async Task InputAndOutputVerdicts_CarryTheSameVersion()
    {
        var input = await InputVersionAsync(app.Factory);
        var output = await OutputVersionAsync(app.Factory);

        Assert.Matches("^[0-9a-f]{16}$", input);
        Assert.Equal(input, output);
    }

    [Fact]
    public async Task AnotherPolicy_ReportsAnotherVersion()
    {
        await using var stricter = app.Factory.WithWebHostBuilder(builder => builder.UseSetting("Guardrails:Policy:Tenants:acme:Pii:IP_ADDRESS", "Block"));

        Assert.NotEqual(await InputVersionAsync(app.Factory), await InputVersionAsync(stricter));
        Assert.NotEqual(await OutputVersionAsync(app.Factory), await OutputVersionAsync(stricter));
    }
}
