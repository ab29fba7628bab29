using System.Net;
using System.Net.Http.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

public sealed class ModelsApiTests(RouterApp app) : IClassFixture<RouterApp>
{
    [Fact]
    public async Task ListModels_ListsCallableDeploymentsWithProviderAndModelId()
    {
        using var client = app.CreateClient();

        var models = await ModelsAsync(client);

        var deployments = models.Where(m => m.Kind == "deployment").ToList();
        Assert.Contains(new ModelDescriptor("echo", "deployment", ProviderNames.OpenAICompatible, RouterApp.EchoModel, 8_192, RouterApp.EchoMaxOutputTokens), deployments);
        Assert.Contains(deployments, m => (m.Id, m.Provider, m.Model) == ("local", ProviderNames.Offline, "local") && m.ContextWindow > 0 && m.MaxOutputTokens > 0);
        Assert.Contains(deployments, m => m.Id == "backup");
    }

    [Fact]
    public async Task ListModels_LeavesOutDeploymentsWithoutAKeyAndRoutesWithNothingCallable()
    {
        using var client = app.CreateClient();

        var ids = (await ModelsAsync(client)).Select(m => m.Id).ToList();

        Assert.DoesNotContain("keyless", ids);
        Assert.DoesNotContain("keyless-only", ids);
        Assert.DoesNotContain("gpt-4o-mini", ids);
        Assert.DoesNotContain("gpt-4o", ids);
    }

    [Fact]
    public async Task ListModels_ListsRoutesWithAtLeastOneCallableCandidateUnderTheirStrategy()
    {
        using var client = app.CreateClient();

        var routes = (await ModelsAsync(client)).Where(m => m.Kind == "route").ToList();

        // A route's limits are its smallest callable candidate's: keyless is not callable, so echo's.
        Assert.Contains(new ModelDescriptor("keyless-first", "route", "priority", null, 8_192, RouterApp.EchoMaxOutputTokens), routes);
        Assert.Contains(routes, m => (m.Id, m.Provider, m.Model) == ("auto", "complexity", null));
        // A route is listed by whether it can be called, not by whether its deployments are healthy right now.
        Assert.Contains(new ModelDescriptor("doomed", "route", "priority", null, 8_192, 1_024), routes);
    }

    [Fact]
    public async Task ListModels_OrdersDeploymentsThenRoutesEachByName()
    {
        using var client = app.CreateClient();

        var models = await ModelsAsync(client);

        Assert.Equal(models.OrderBy(m => m.Kind, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal), models);
    }

    [Fact]
    public async Task ListModels_WithoutTenantHeader_Returns401Problem()
    {
        using var client = app.CreateClient(tenant: null);

        using var response = await client.GetAsync("/v1/models");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Explain_Route_NamesTheFirstChoiceAndListsCandidatesAndSkipsWithoutCallingAnything()
    {
        using var client = app.CreateClient();
        var question = UniqueQuestion();

        using var response = await client.PostAsJsonAsync("/v1/route/explain", Ask("keyless-first", question), ContractsJsonContext.Default.CompletionRequest);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = (await response.Content.ReadFromJsonAsync<RouteExplanation>(System.Text.Json.JsonSerializerOptions.Web))!;
        Assert.Equal(("keyless-first", "echo", RouterApp.EchoModel, ProviderNames.OpenAICompatible, "priority"),
            (decision.Route, decision.Deployment, decision.Model, decision.Provider, decision.Strategy));
        Assert.Equal([("echo", "candidate", 1), ("keyless", "skipped", null)], decision.Candidates.Select(c => (c.Deployment, c.Outcome, c.Rank)));
        Assert.StartsWith("no API key", decision.Candidates[1].Reason);
        Assert.Empty(RequestsAbout(app.Echo, question));
    }

    [Fact]
    public async Task Explain_UnknownModel_Returns404UnknownModelProblem()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/route/explain", Ask("nope", "hello"), ContractsJsonContext.Default.CompletionRequest);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
    }
}
