using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Caching;

namespace AiAspire.Orchestrator.Tests.Caching;

public sealed class ExactCacheKeyTests
{
    private static readonly CompletionRequest Request = new([new RouterMessage("user", "What is the refund window?")], Model: "auto", Temperature: 0);

    private const string Pipeline = "answer@1|validate,guard-input,memory,retrieve,template,token-budget,infer,guard-output,format";

    [Fact]
    public void SameTenantRequestAndPipeline_ShareAKey() =>
        Assert.Equal(ExactCache.Key("acme", Request, Pipeline), ExactCache.Key("acme", Request with { }, Pipeline));

    [Theory]
    [InlineData("answer@2|validate,guard-input,memory,retrieve,template,token-budget,infer,guard-output,format")]
    [InlineData("answer@1|validate,memory,retrieve,template,token-budget,infer,guard-output,format")]
    [InlineData(null)]
    public void ANewTemplateVersionOrAnotherGuardPolicy_NeverSharesAKey(string? otherPipeline) =>
        Assert.NotEqual(ExactCache.Key("acme", Request, Pipeline), ExactCache.Key("acme", Request, otherPipeline));

    [Fact]
    public void AnotherTenant_NeverSharesAKey() =>
        Assert.NotEqual(ExactCache.Key("acme", Request, Pipeline), ExactCache.Key("globex", Request, Pipeline));

    [Fact]
    public void AnOutputChangingParameter_ChangesTheKey() =>
        Assert.NotEqual(ExactCache.Key("acme", Request, Pipeline), ExactCache.Key("acme", Request with { Temperature = 0.7 }, Pipeline));
}
