using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiAspire.TestKit;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.Faults;

[Collection(FaultsCollection.Name)]
public sealed class RagFaultTests(FaultsFixture platform, ITestOutputHelper output)
{
    private const string Tenant = "fault-rag";
    private const string RetrievalHeader = "x-aiaspire-retrieval";

    private const string Handbook = """
        # Contoso Cycles service handbook

        ## Repairs
        Every bicycle repair is finished within five working days. Urgent repairs cost a flat fee of 40 euros.
        """;

    [Fact]
    public async Task RagServiceStopped_AutoAnswersWithoutContextAndSaysSo_OnRefuses_AndRetrievalReturnsAfterRestart()
    {
        using var client = platform.CreateClient(Tenant);
        var ingest = await client.PostAsJsonAsync("/api/documents", new { id = "contoso-handbook", source = "contoso-handbook.md", contentType = "markdown", text = Handbook });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());
        HttpRequestMessage Request(int i) => FaultRequests.Chat($"Question {i}: how long does a bicycle repair take?", "auto");

        await using var run = new FaultRun(platform, output, "rag-stopped", "ragservice");
        var grounded = await run.SendAsync(client, Request(0));
        Assert.True(grounded.Status == HttpStatusCode.OK && HasCitations(grounded), grounded.ToString());
        Assert.Null(grounded.Retrieval);

        var load = BackgroundLoad.Start(client, Request);
        await load.RunsOnAsync(4, "the load is flowing");

        await run.InjectAsync();
        var withoutContext = await run.SendAsync(client, Request(10_001));
        Assert.True(withoutContext.Status == HttpStatusCode.OK, withoutContext.ToString());
        Assert.False(HasCitations(withoutContext), withoutContext.ToString());
        Assert.Equal("unavailable", withoutContext.Retrieval);
        var required = await run.SendAsync(client, FaultRequests.Chat("Question 10002: how long does a bicycle repair take?", "on"));
        Assert.True(required.IsProblem(HttpStatusCode.ServiceUnavailable), required.ToString());
        await load.RunsOnAsync(10, "the load ran on during the outage");

        await run.RecoverAsync();
        var regrounded = await run.SendUntilAsync(client, Request, o => o.Status == HttpStatusCode.OK && HasCitations(o), "answers cite the handbook again");
        Assert.Null(regrounded.Retrieval);

        var all = run.All(await load.StopAsync());
        var counted = await run.CountAsync(client, all);

        // rag "auto" never fails for want of retrieval, and never goes without context silently.
        var auto = all.Where(o => o != required).ToList();
        Assert.All(auto, o => Assert.True(o.Status == HttpStatusCode.OK, o.ToString()));
        Assert.All(auto, o => Assert.True(HasCitations(o) || o.Retrieval is "unavailable" or "unchecked", o.ToString()));
        Assert.Equal(all.Count, counted);
        run.Survived();
    }

    private static bool HasCitations(LoadOutcome outcome)
    {
        if (outcome.Status != HttpStatusCode.OK)
        {
            return false;
        }
        using var reply = JsonDocument.Parse(outcome.Body);
        return reply.RootElement.TryGetProperty("citations", out var citations)
            && citations.ValueKind == JsonValueKind.Array && citations.GetArrayLength() > 0;
    }
}
