using System.Net;
using AiAspire.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// Services behind the gateway accept the identity headers only with the gateway's signature, when they share its
/// secret; a service without a secret keeps trusting the tenant header alone.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class InternalSignatureTests
{
    private const string Secret = "test-internal-secret-0123456789abcdef";

    private readonly GatewayApp _app;

    public InternalSignatureTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task HeadersTheGatewaySigned_AreAccepted_AndAgainWhenForwardedUnchanged()
    {
        var echoed = await ThroughSigningGatewayAsync();
        await using var service = await TenantServiceAsync(Secret);

        var first = await service.GetTestClient().SendAsync(WithIdentity(echoed));
        // What the orchestrator does on its internal calls: forward the four headers unchanged.
        var forwarded = await service.GetTestClient().SendAsync(WithIdentity(echoed));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(GatewayApp.AcmeTenant, await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
    }

    [Theory]
    [InlineData(AiAspireHeaders.Tenant, "victim")]
    [InlineData(AiAspireHeaders.KeyId, "dev")]
    [InlineData(AiAspireHeaders.Scopes, "admin chat embeddings")]
    [InlineData(InternalSignature.Header, null)]
    [InlineData(InternalSignature.Header, "t=1;v1=00")]
    [InlineData(InternalSignature.Header, "garbage")]
    public async Task SpoofedOrUnsignedIdentity_Is401Problem(string header, string? value)
    {
        var echoed = await ThroughSigningGatewayAsync();
        await using var service = await TenantServiceAsync(Secret);
        using var request = WithIdentity(echoed);
        request.Headers.Remove(header);
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        var response = await service.GetTestClient().SendAsync(request);

        await Proxy.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Theory]
    [InlineData(-6 * 60, HttpStatusCode.Unauthorized)]
    [InlineData(+6 * 60, HttpStatusCode.Unauthorized)]
    [InlineData(-4 * 60, HttpStatusCode.OK)]
    public async Task SignatureOlderThanFiveMinutes_Is401(int offsetSeconds, HttpStatusCode expected)
    {
        await using var service = await TenantServiceAsync(Secret);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add(AiAspireHeaders.Tenant, "acme");
        request.Headers.Add(AiAspireHeaders.KeyId, "acme");
        request.Headers.Add(AiAspireHeaders.Scopes, "chat");
        request.Headers.Add(InternalSignature.Header, InternalSignature.Sign(Secret, "acme", "acme", "chat", DateTimeOffset.UtcNow.AddSeconds(offsetSeconds)));

        var response = await service.GetTestClient().SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task SignatureMadeWithAnotherSecret_Is401()
    {
        await using var service = await TenantServiceAsync(Secret);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add(AiAspireHeaders.Tenant, "acme");
        request.Headers.Add(InternalSignature.Header, InternalSignature.Sign("another-secret", "acme", "", "", DateTimeOffset.UtcNow));

        var response = await service.GetTestClient().SendAsync(request);

        await Proxy.AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task ServiceWithoutASecret_TrustsTheTenantHeaderAsBefore_AndGatewayWithoutOneSignsNothing()
    {
        await using var service = await TenantServiceAsync(secret: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Add(AiAspireHeaders.Tenant, "acme");
        using var client = _app.CreateClient();

        var response = await service.GetTestClient().SendAsync(request);
        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(echoed.Header(InternalSignature.Header));
    }

    [Fact]
    public async Task InboundSignatureHeader_IsStrippedAndReplacedByTheGateway()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string> { ["Gateway:InternalSecret"] = Secret }));
        using var request = Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey);
        request.Headers.TryAddWithoutValidation(InternalSignature.Header, "t=1;v1=forged");

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(request));

        var signature = Assert.Single(echoed.Header(InternalSignature.Header));
        Assert.DoesNotContain("forged", signature);
        Assert.Null(InternalSignature.Verify(Secret, GatewayApp.AcmeTenant, "acme", "chat embeddings", signature, DateTimeOffset.UtcNow));
    }

    private async Task<EchoedRequest> ThroughSigningGatewayAsync()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string> { ["Gateway:InternalSecret"] = Secret }));
        return await Proxy.AssertProxiedAsync(await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.AcmeKey)));
    }

    private static HttpRequestMessage WithIdentity(EchoedRequest echoed)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        foreach (var name in (string[])[AiAspireHeaders.Tenant, AiAspireHeaders.KeyId, AiAspireHeaders.Scopes, InternalSignature.Header])
        {
            request.Headers.TryAddWithoutValidation(name, Assert.Single(echoed.Header(name)));
        }
        return request;
    }

    /// <summary>A service like every one behind the gateway: ServiceDefaults' RequireTenant on its API.</summary>
    private static async Task<WebApplication> TenantServiceAsync(string? secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (secret is not null)
        {
            builder.Configuration[InternalSignature.ServiceSecretKey] = secret;
        }
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.MapGet("/whoami", (HttpContext context) => context.GetTenant()).RequireTenant();
        await app.StartAsync();
        return app;
    }
}
