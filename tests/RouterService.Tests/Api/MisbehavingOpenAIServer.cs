using AiAspire.RouterService.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AiAspire.RouterService.Tests.Api;

public enum Misbehavior
{
    /// <summary>Accepts the request and never answers.</summary>
    Stall,

    /// <summary>Streams the first chunks of an answer, then a chunk that is not JSON.</summary>
    BreakMidStream,
}

/// <summary>An OpenAI-compatible upstream on 127.0.0.1 that goes wrong in the ways status codes cannot show.</summary>
public sealed class MisbehavingOpenAIServer(Misbehavior misbehavior) : LoopbackFake
{
    public static readonly string[] ChunksBeforeTheBreak = ["Half", " an", " answer"];

    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public string V1Endpoint { get; private set; } = "";

    protected override void Map(WebApplication app) => app.MapPost("/v1/chat/completions", HandleAsync);

    protected override void Started(string address) => V1Endpoint = address + "/v1";

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        using var stop = Linked(context);

        if (misbehavior == Misbehavior.Stall)
        {
            await Wire.DelayAsync(Timeout.InfiniteTimeSpan, stop.Token);
            return;
        }

        Wire.BeginEvents(context);
        foreach (var piece in ChunksBeforeTheBreak)
        {
            await Wire.DataAsync(context, Wire.Chunk("chatcmpl-broken", "broken-stream", piece), stop.Token);
        }
        await Wire.RawAsync(context, "data: {\"choices\":[{\"delta\":\n\n", stop.Token);
    }
}
