using System.Security.Cryptography;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;

namespace AiAspire.Orchestrator.Tests.Caching;

/// <summary>
/// Exact-cache keys are hashed from a buffer each thread reuses: they must stay what they always were (the prefix, the
/// escaped tenant and the SHA-256 of the canonical request), so entries stored before keep being found, whatever was
/// hashed before on the same thread.
/// </summary>
public sealed class CacheKeysTests
{
    private static readonly CompletionRequest Request = new([new RouterMessage("user", "What is the refund window?")], Model: "auto", Temperature: 0);

    private const string Pipeline = "answer@1|validate,guard-input,template,token-budget,infer,guard-output,format";

    private static string Expected(string tenant, CompletionRequest request) =>
        $"{ExactCache.KeyPrefix}{{{Uri.EscapeDataString(tenant)}}}:{Convert.ToHexStringLower(SHA256.HashData(ExactCache.Canonical(request, Pipeline)))}";

    [Theory]
    [InlineData("acme")]
    [InlineData("tenant with spaces/and {braces} é")]
    [InlineData("a-tenant-name-long-enough-that-its-key-does-not-fit-the-stack-buffer-a-tenant-name-long-enough-that-its-key-does-not-fit-the-stack-buffer-a-tenant-name-long-enough-that-its-key-does-not-fit-the-stack-buffer-a-tenant-name-long-enough-that-its-key-does-not-fit-the-stack-buffer")]
    public void ExactKey_IsThePrefixTheEscapedTenantAndTheSha256OfTheCanonicalRequest(string tenant) =>
        Assert.Equal(Expected(tenant, Request), ExactCache.Key(tenant, Request, Pipeline));

    [Fact]
    public void AKeyAfterAVeryLargeRequest_IsTheKeyItWasBefore()
    {
        var before = ExactCache.Key("acme", Request, Pipeline);
        var large = Request with { Messages = [new RouterMessage("user", new string('x', 200_000))] };

        Assert.Equal(Expected("acme", large), ExactCache.Key("acme", large, Pipeline));
        Assert.Equal(before, ExactCache.Key("acme", Request, Pipeline));
        Assert.Equal(Expected("acme", Request), before);
    }

    [Fact]
    public void KeysWorkedOutOnManyThreadsAtOnce_AreEachTheirRequestsOwn()
    {
        var requests = Enumerable.Range(0, 16)
            .Select(i => Request with { Messages = [new RouterMessage("user", $"Question {i}: " + new string('q', i * 500))] })
            .ToArray();
        var expected = requests.Select(r => Expected("acme", r)).ToArray();

        Parallel.For(0, 2_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            Assert.Equal(expected[i % requests.Length], ExactCache.Key("acme", requests[i % requests.Length], Pipeline)));
    }
}
