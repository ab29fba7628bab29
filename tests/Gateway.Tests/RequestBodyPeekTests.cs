using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Gateway.Proxying;
using Microsoft.AspNetCore.Http;

namespace AiAspire.Gateway.Tests;

/// <summary>
/// The body of a request whose tokens are reserved is read once, in one pass: it measures exactly what a whole-document
/// reading measures, refuses what cannot be decoded with a 400 problem, and reaches the backend byte for byte.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RequestBodyPeekTests
{
    private readonly GatewayApp _app;

    public RequestBodyPeekTests(GatewayApp app)
    {
        _app = app;
        app.Reset();
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o-mini","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \"quoted\" \ud83d\ude00 line\nbreak \/ slash"}]}""")]
    [InlineData("""{"model":"a","model":"b","max_tokens":5,"max_tokens":"x","max_output_tokens":7,"input":"abc"}""")]
    [InlineData("""{"max_tokens":10,"max_completion_tokens":20,"max_completion_tokens":-1,"prompt":"x"}""")]
    [InlineData("""{"max_tokens":10,"max_completion_tokens":20.5,"max_output_tokens":30}""")]
    [InlineData("""{"model":"m","input":"日本語のテキスト","n":[1,true,null,{"k":"vv","deeper":[["ü"]]}],"\u006dodel":"escaped name"}""")]
    [InlineData("""{"model":{"x":"not counted"},"prompt":"abc","max_tokens":99999999999}""")]
    [InlineData("""  {  "model" : "spaced" , "messages" : [ ] }  """)]
    [InlineData("""{}""")]
    [InlineData("""["not","an","object"]""")]
    [InlineData("\"just text\"")]
    [InlineData("42")]
    public void Measure_AgreesWithAWholeDocumentReading(string json)
    {
        foreach (var bytes in new byte[][] { Encoding.UTF8.GetBytes(json), [.. "\uFEFF"u8, .. Encoding.UTF8.GetBytes(json)] })
        {
            var (body, problem) = RequestBodyPeek.Measure(bytes);

            Assert.Null(problem);
            Assert.Equal(Reference(json), body);
        }
    }

    [Theory]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xFF, (byte)'"', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'m', (byte)'o', (byte)'d', (byte)'e', (byte)'l', (byte)'"', (byte)':', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)'}' })]
    public void Measure_TextThatIsNotUtf8_Is400(byte[] json)
    {
        var (body, problem) = RequestBodyPeek.Measure(json);

        Assert.Null(body);
        Assert.Equal(StatusCodes.Status400BadRequest, problem!.StatusCode);
        Assert.Equal(ProblemTypes.InvalidJson, problem.ProblemDetails.Type);
        Assert.Contains("UTF-8", problem.ProblemDetails.Detail);
    }

    [Theory]
    [InlineData("""{"messages":[{"content":"\ud800 alone"}]}""")]
    [InlineData("""{"a":1} trailing""")]
    [InlineData("""{"a":1}{"b":2}""")]
    [InlineData("""{"a":""")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a":/* comment */1}""")]
    [InlineData("")]
    [InlineData("   ")]
    public void Measure_WhatCannotBeRead_Is400(string json)
    {
        var (body, problem) = RequestBodyPeek.Measure(Encoding.UTF8.GetBytes(json));

        Assert.Null(body);
        Assert.Equal(StatusCodes.Status400BadRequest, problem!.StatusCode);
        Assert.Equal(ProblemTypes.InvalidJson, problem.ProblemDetails.Type);
    }

    [Fact]
    public void Measure_TooDeep_Is400()
    {
        var json = new string('[', 65) + new string(']', 65);

        Assert.Equal(StatusCodes.Status400BadRequest, RequestBodyPeek.Measure(Encoding.UTF8.GetBytes(json)).Problem!.StatusCode);
        Assert.NotNull(RequestBodyPeek.Measure(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64))).Body);
    }

    [Fact]
    public async Task InvalidUtf8_WithTokenLimits_Is400ProblemJson_AndNeverForwarded()
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "100000",
        }));
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"bad "), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(" text\"}]}")];
        foreach (var chunked in new[] { false, true })
        {
            using var request = ChatRequest(GatewayApp.AcmeKey, body, chunked);

            var response = await client.SendAsync(request);

            await Proxy.AssertProblemAsync(response, HttpStatusCode.BadRequest, ProblemTypes.InvalidJson);
        }
        Assert.DoesNotContain(_app.Backends["orchestrator"].Received, r => r.Header(AiAspireHeaders.Tenant).Contains(GatewayApp.AcmeTenant));
    }

    [Theory]
    [InlineData(false, 100)]
    [InlineData(true, 100)]
    [InlineData(false, 200_000)]
    [InlineData(true, 200_000)]
    public async Task PeekedBody_ReachesTheBackend_ByteForByte(bool chunked, int contentLength)
    {
        using var client = GatewayApp.CreateClient(_app.CreateReplica(settings: new Dictionary<string, string>
        {
            ["Gateway:RateLimits:Tokens:PerKey"] = "100000000",
        }));
        // Sizes on both sides of the 64 KB pooled buffer; non-ASCII and escapes must pass through untouched.
        var body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"{{new string('é', contentLength / 2)}}\u00e9\n"}]}""");
        using var request = ChatRequest(GatewayApp.AcmeKey, body, chunked);

        var echoed = await Proxy.AssertProxiedAsync(await client.SendAsync(request));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), echoed.BodySha256);
    }

    private static HttpRequestMessage ChatRequest(string key, byte[] body, bool chunked)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        return request;
    }

    /// <summary>What the gateway measured before this pass existed: a JsonDocument, read property by property.</summary>
    private static PeekedBody Reference(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new PeekedBody(null, 0, null);
        }
        var model = root.TryGetProperty("model", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        long? maxOutput = null;
        foreach (var name in new[] { "max_completion_tokens", "max_tokens", "max_output_tokens" })
        {
            if (root.TryGetProperty(name, out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt64(out var tokens) && tokens >= 0)
            {
                maxOutput = tokens;
                break;
            }
        }
        var characters = root.EnumerateObject().Where(p => p.Name != "model").Sum(p => TextLength(p.Value));
        return new PeekedBody(model, characters, maxOutput);
    }

    private static long TextLength(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Length,
        JsonValueKind.Array => element.EnumerateArray().Sum(TextLength),
        JsonValueKind.Object => element.EnumerateObject().Sum(p => TextLength(p.Value)),
        _ => 0,
    };

    /// <summary>A body sent chunked: the stream does not tell its length.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
