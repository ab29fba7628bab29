using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Pii;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>Per-tenant PII policy through the real endpoint, configured the way an operator would.</summary>
public sealed class PolicyApiTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private WebApplicationFactory<Program> WithPolicy() => app.Factory.WithWebHostBuilder(builder => builder
        .UseSetting("Guardrails:Policy:Default:Pii:PRIVATE_KEY", "Block")
        .UseSetting("Guardrails:Policy:Tenants:netops:Pii:IP_ADDRESS", "Allow")
        .UseSetting("Guardrails:Policy:Tenants:bank:Pii:IBAN", "Block"));

    private static async Task<GuardInputResponse> GuardAsync(WebApplicationFactory<Program> factory, string tenant, string text)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        var response = await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new GuardMessage("user", text)]), ContractsJsonContext.Default.GuardInputRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse))!;
    }

    [Fact]
    public async Task Input_TypeAllowedForTenant_IsReportedButNotMasked()
    {
        await using var factory = WithPolicy();

        var result = await GuardAsync(factory, "netops", "host 10.1.2.3 mails ops@example.com");

        Assert.True(result.Allowed);
        Assert.Equal("host 10.1.2.3 mails <EMAIL_1>", Assert.Single(result.Messages).Content);
        Assert.Equal([(PiiTypes.IpAddress, GuardActions.Allow), (PiiTypes.Email, GuardActions.Mask)],
            result.Findings.Select(f => (f.Type, f.Action)));
        Assert.NotNull(result.VaultId);
    }

    [Fact]
    public async Task Input_TypeBlockedForTenant_RefusesWithReasonAndNeverEchoesTheValue()
    {
        await using var factory = WithPolicy();

        var result = await GuardAsync(factory, "bank", "Send it to DE89 3704 0044 0532 0130 00, from 10.1.2.3");

        Assert.False(result.Allowed);
        Assert.Equal(["The tenant's policy blocks personal data of type IBAN."], result.Reasons);
        Assert.Equal("Send it to <IBAN_1>, from <IP_ADDRESS_1>", Assert.Single(result.Messages).Content);
        Assert.Null(result.VaultId);
        Assert.Equal(GuardActions.Block, result.Findings.Single(f => f.Type == PiiTypes.Iban).Action);
    }

    [Fact]
    public async Task Input_DefaultPolicyBlock_AppliesToEveryTenantWithoutAnOverride()
    {
        await using var factory = WithPolicy();

        var result = await GuardAsync(factory, "anyone", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----");

        Assert.False(result.Allowed);
        Assert.Equal("<PRIVATE_KEY_1>", Assert.Single(result.Messages).Content);
    }

    [Fact]
    public async Task Startup_PolicyNamingAnUnknownType_FailsFast()
    {
        await using var factory = app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("Guardrails:Policy:Tenants:acme:Pii:E_MAIL", "Block"));

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("E_MAIL", error.ToString());
    }
}
