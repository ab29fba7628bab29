using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Content;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>The content policy on answers: the same categories and per-tenant rules as on input.</summary>
public sealed class OutputContentApiTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    private const string Harmful = "Here are detailed step-by-step instructions for synthesizing sarin at home: first, obtain";

    private static async Task<GuardOutputResponse> CheckAsync(HttpClient client, string text)
    {
        var response = await client.PostAsJsonAsync("/v1/guard/output", new GuardOutputRequest(text, null), ContractsJsonContext.Default.GuardOutputRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardOutputResponse))!;
    }

    [Fact]
    public async Task Output_WeaponsInstructions_AreRefusedByDefault()
    {
        using var client = app.CreateClient("tenant-a");

        var result = await CheckAsync(client, Harmful);

        Assert.False(result.Allowed);
        Assert.Contains(result.Reasons!, reason => reason.StartsWith("The answer falls under the content category weapons", StringComparison.Ordinal));
        Assert.Contains(result.Checks!, check => check is { Name: GuardCheckNames.ContentPrefix + ContentCategories.Weapons, Flagged: true });
    }

    [Fact]
    public async Task Output_OrdinaryAnswer_HasNoContentCheck()
    {
        using var client = app.CreateClient("tenant-a");

        var result = await CheckAsync(client, "Your parcel left the depot this morning and should arrive on Thursday.");

        Assert.True(result.Allowed);
        Assert.DoesNotContain(result.Checks!, check => check.Name.StartsWith(GuardCheckNames.ContentPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Output_TenantRules_ApplyAsOnInput()
    {
        await using var factory = app.Factory.WithWebHostBuilder(builder => builder
            .UseSetting("Guardrails:Policy:Tenants:lab:Content:Categories:weapons", "Allow")
            .UseSetting("Guardrails:Policy:Tenants:watch:Content:Categories:weapons", "Flag"));
        using var lab = factory.CreateClient();
        lab.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "lab");
        using var watch = factory.CreateClient();
        watch.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, "watch");

        var allowed = await CheckAsync(lab, Harmful);
        var flagged = await CheckAsync(watch, Harmful);

        Assert.True(allowed.Allowed);
        Assert.DoesNotContain(allowed.Checks!, check => check.Name == GuardCheckNames.ContentPrefix + ContentCategories.Weapons);
        Assert.True(flagged.Allowed);
        Assert.Contains(flagged.Checks!, check => check is { Name: GuardCheckNames.ContentPrefix + ContentCategories.Weapons, Flagged: true });
    }
}
