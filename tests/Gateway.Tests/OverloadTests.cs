using System.Net;
using AiAspire.Gateway.Proxying;
using AiAspire.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.Gateway.Tests;

/// <summary>A saturated downstream: requests beyond a route's permits and queue are shed with 503 at once, and the gateway recovers by itself.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OverloadTests
{
    private const int Permits = 2;
    private const int Queue = 3;
    private const int Extra = 4;

    private readonly GatewayApp _app;

    public OverloadTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Fact]
    public async Task SaturatedRoute_ShedsExactlyTheRequestsBeyondPermitsAndQueue_ThenRecovers()
    {
        var replica = _app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:Overload:Routes:models:PermitLimit"] = Permits.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Overload:Routes:models:QueueLimit"] = Queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Long enough that nothing here times out: what is shed is shed for want of room alone.
            ["Gateway:Overload:Routes:models:QueueTimeout"] = "00:05:00",
            ["Gateway:Overload:RetryAfter"] = "00:00:03",
        });
        using var client = GatewayApp.CreateClient(replica);
        var backend = _app.Backends["orchestrator"];
        var gate = "overload-" + Guid.NewGuid().ToString("N");
        var limiter = replica.Services.GetRequiredService<LoadShedder>().LimiterFor("models")!;
        try
        {
            var calls = Enumerable.Range(0, Permits + Queue + Extra).Select(_ => client.SendAsync(Held(gate))).ToList();

            // While the backend holds every request it was given, the shed ones have already been answered.
            await Eventually.HoldsAsync(() => calls.Count(c => c.IsCompleted) == Extra, $"{Extra} requests are answered while the backend is stalled");
            await Eventually.HoldsAsync(() => backend.Received.Count(r => r.Header("x-test-hold").Contains(gate)) == Permits && limiter.GetStatistics()!.CurrentQueuedCount == Queue,
                $"{Permits} requests reach the backend and {Queue} wait");
            foreach (var call in calls.Where(c => c.IsCompleted))
            {
                var shed = await call;
                var problem = await Proxy.AssertProblemAsync(shed, HttpStatusCode.ServiceUnavailable, LoadShedder.OverloadedType);
                Assert.Contains("'models' route is at capacity", problem.GetProperty("detail").GetString());
                Assert.Equal(TimeSpan.FromSeconds(3), shed.Headers.RetryAfter!.Delta);
            }

            backend.Open(gate);
            var responses = await Task.WhenAll(calls);

            Assert.Equal(Extra, responses.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable));
            Assert.Equal(Permits + Queue, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(Permits + Queue, backend.Received.Count(r => r.Header("x-test-hold").Contains(gate)));
            // Recovered without anything being reset.
            var after = await Task.WhenAll(Enumerable.Range(0, Permits + Queue).Select(_ => client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.DevKey))));
            Assert.All(after, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        }
        finally
        {
            backend.Open(gate);
        }
    }

    [Fact]
    public async Task QueuedRequest_ThatWaitsTooLong_IsShedWith503()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:Overload:Routes:models:PermitLimit"] = "1",
            ["Gateway:Overload:Routes:models:QueueLimit"] = "1",
            ["Gateway:Overload:Routes:models:QueueTimeout"] = "00:00:00.200",
        }));
        var backend = _app.Backends["orchestrator"];
        var gate = "queue-timeout-" + Guid.NewGuid().ToString("N");
        try
        {
            var held = client.SendAsync(Held(gate));
            await Eventually.HoldsAsync(() => backend.Received.Any(r => r.Header("x-test-hold").Contains(gate)), "the first request holds the only permit");

            // The backend stays stalled until after this answer: the wait can only end in the queue timeout.
            var waited = await client.SendAsync(Proxy.Request("GET", "/v1/models", bearer: GatewayApp.DevKey));

            var problem = await Proxy.AssertProblemAsync(waited, HttpStatusCode.ServiceUnavailable, LoadShedder.OverloadedType);
            Assert.Contains("waited", problem.GetProperty("detail").GetString());
            Assert.NotNull(waited.Headers.RetryAfter);
            backend.Open(gate);
            Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        }
        finally
        {
            backend.Open(gate);
        }
    }

    private static HttpRequestMessage Held(string gate)
    {
        var request = Proxy.Request("GET", "/v1/models", bearer: GatewayApp.DevKey);
        request.Headers.Add("x-test-hold", gate);
        return request;
    }
}
