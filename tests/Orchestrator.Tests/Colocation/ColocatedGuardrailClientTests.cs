using System.Net;
using System.Text;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Guards;
using AiAspire.Orchestrator.Caching;
using AiAspire.Orchestrator.Clients;
using AiAspire.Orchestrator.Colocation;

namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The in-process guard refuses exactly as GuardrailService's answer makes <see cref="GuardrailClient"/> refuse.</summary>
public sealed class ColocatedGuardrailClientTests
{
    public static TheoryData<string> Problems => ["validation", "scan-budget", "vault-unavailable", "vault-not-found"];

    private static GuardProblem Problem(string name) => name switch
    {
        "validation" => GuardProblem.Validation("'messages' must contain at least one message."),
        "scan-budget" => GuardProblem.ScanBudgetExceeded,
        "vault-unavailable" => GuardProblem.VaultUnavailable,
        _ => GuardProblem.VaultNotFound,
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task Refusal_IsTheDownstreamExceptionTheHttpClientRaisesForTheSameProblem(string name)
    {
        var problem = Problem(name);
        var http = new GuardrailClient(new HttpClient(new ProblemHandler(problem)) { BaseAddress = new("http://127.0.0.1:1") });

        var overHttp = await Assert.ThrowsAsync<DownstreamException>(() => http.CheckInputAsync("tenant-a", new([new("user", "hi")]), CancellationToken.None));
        var inProcess = ColocatedGuardrailClient.Refusal(problem);

        Assert.Equal(overHttp.Service, inProcess.Service);
        Assert.Equal(overHttp.Status, inProcess.Status);
        Assert.Equal(overHttp.IsCallerError, inProcess.IsCallerError);
        Assert.Equal(overHttp.Message, inProcess.Message);
    }

    [Fact]
    public void ScanOutOfTimeBudget_IsA503_AndTheVaultOutageStaysA503()
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ColocatedGuardrailClient.Refusal(GuardProblem.ScanBudgetExceeded).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ColocatedGuardrailClient.Refusal(GuardProblem.VaultUnavailable).Status);
        Assert.Equal(HttpStatusCode.BadRequest, ColocatedGuardrailClient.Refusal(GuardProblem.Validation("x")).Status);
        Assert.Equal(GuardrailClient.ScanBudgetExceededTitle, GuardProblem.ScanBudgetExceededTitle);
    }

    [Fact]
    public void PolicyVersion_OfAnEngineInProcess_IsFreshWithoutAnyVerdict()
    {
        var options = new StaticOptionsMonitor<ExactCacheOptions>(new ExactCacheOptions());
        var remote = new GuardPolicyVersions(TimeProvider.System, options, new VersionOnly(null));
        var local = new GuardPolicyVersions(TimeProvider.System, options, new VersionOnly("0123456789abcdef"));

        Assert.Null(remote.Fresh());
        Assert.Equal("0123456789abcdef", local.Fresh());
        remote.Observe("fedcba9876543210");
        Assert.Equal("fedcba9876543210", remote.Fresh());
    }

    /// <summary>Answers every call as GuardrailService answers a refusal: the status and its problem+json.</summary>
    private sealed class ProblemHandler(GuardProblem problem) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage((HttpStatusCode)problem.Status)
            {
                Content = new StringContent(
                    $$"""{"type":"{{problem.Type}}","title":"{{problem.Title}}","status":{{problem.Status}},"detail":"{{problem.Detail.Replace("'", "\\u0027")}}","traceId":"00-1"}""",
                    Encoding.UTF8, "application/problem+json"),
            });
    }

    private sealed class VersionOnly(string? version) : IGuardrailClient
    {
        public string? CurrentPolicyVersion => version;

        public Task<GuardInputResponse> CheckInputAsync(string tenant, GuardInputRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<GuardDocumentsResponse> CheckDocumentsAsync(string tenant, GuardDocumentsRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<GuardOutputResponse> CheckOutputAsync(string tenant, GuardOutputRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
