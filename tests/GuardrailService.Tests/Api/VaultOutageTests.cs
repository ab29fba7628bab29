using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Guard;

namespace AiAspire.GuardrailService.Tests.Api;

/// <summary>Its own app and redis-server, because these tests stop Redis.</summary>
public sealed class VaultOutageTests(GuardrailApp app) : IClassFixture<GuardrailApp>
{
    [Fact]
    public async Task VaultStoreDown_MaskingAndRestoringFailClosedWith503_TextWithoutPiiStillPasses()
    {
        using var client = app.CreateClient("tenant-a");
        var masked = await (await client.PostAsJsonAsync("/v1/guard/input",
            new GuardInputRequest([new("user", "me@example.com")]), ContractsJsonContext.Default.GuardInputRequest))
            .Content.ReadFromJsonAsync(ContractsJsonContext.Default.GuardInputResponse);

        app.Redis.Stop();
        try
        {
            var mask = await client.PostAsJsonAsync("/v1/guard/input",
                new GuardInputRequest([new("user", "me@example.com")]), ContractsJsonContext.Default.GuardInputRequest);
            var restore = await client.PostAsJsonAsync("/v1/guard/output",
                new GuardOutputRequest("<EMAIL_1>", masked!.VaultId), ContractsJsonContext.Default.GuardOutputRequest);
            var clean = await client.PostAsJsonAsync("/v1/guard/input",
                new GuardInputRequest([new("user", "nothing personal")]), ContractsJsonContext.Default.GuardInputRequest);

            foreach (var response in new[] { mask, restore })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var body = await response.Content.ReadAsStringAsync();
                Assert.Contains(ProblemTypes.Unavailable, body);
                Assert.DoesNotContain("me@example.com", body);
            }
            Assert.Equal(HttpStatusCode.OK, clean.StatusCode);
        }
        finally
        {
            await app.Redis.StartAsync();
        }
    }
}
