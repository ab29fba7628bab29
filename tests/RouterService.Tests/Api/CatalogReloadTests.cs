using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiAspire.Contracts;
using AiAspire.TestKit;
using static AiAspire.RouterService.Tests.Api.RouterHttp;

namespace AiAspire.RouterService.Tests.Api;

public sealed class CatalogReloadTests(ReloadableRouterApp app) : IClassFixture<ReloadableRouterApp>
{
    private static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(20);

    private async Task WaitForModelAsync(HttpClient client, string id, string? modelId)
    {
        await Eventually.HoldsAsync(
            async () => (await ModelsAsync(client)).Any(m => m.Id == id && (modelId is null || m.Model == modelId)),
            $"GET /v1/models lists {id} ({modelId ?? "any model"}) after the catalog file changed",
            ReloadWait);
    }

    [Fact]
    public async Task Catalog_DeploymentAndRouteAddedToTheFile_BecomeRoutableWithoutARestart()
    {
        using var client = app.CreateClient();
        using (var before = await PostAsync(client, Ask("newcomer", "hello")))
        {
            await AssertProblemAsync(before, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
        }

        app.WriteCatalog(
            new JsonObject { ["newcomer"] = app.UpstreamDeployment("newcomer-model") },
            new JsonObject { ["fresh"] = new JsonObject { ["Candidates"] = new JsonArray("newcomer", "local") } });
        await WaitForModelAsync(client, "newcomer", "newcomer-model");

        var question = UniqueQuestion();
        var direct = await CompleteAsync(client, Ask("newcomer", question));
        var routed = await CompleteAsync(client, Ask("fresh", question));

        Assert.Equal(FakeOpenAIServer.ReplyTo(question), direct.Text);
        Assert.Equal(("fresh", "newcomer", "priority"), (routed.Route.Route, routed.Route.Deployment, routed.Route.Strategy));
        Assert.Equal(2, RequestsAbout(app.Upstream, question).Count);
    }

    [Fact]
    public async Task Catalog_ModelIdEditedInTheFile_TheNextCallUsesTheNewModelId()
    {
        using var client = app.CreateClient();
        app.WriteCatalog(new JsonObject { ["evolving"] = app.UpstreamDeployment("model-v1") });
        await WaitForModelAsync(client, "evolving", "model-v1");
        var first = UniqueQuestion();
        await CompleteAsync(client, Ask("evolving", first));

        app.WriteCatalog(new JsonObject { ["evolving"] = app.UpstreamDeployment("model-v2") });
        await WaitForModelAsync(client, "evolving", "model-v2");
        var second = UniqueQuestion();
        var response = await CompleteAsync(client, Ask("evolving", second));

        Assert.Equal("model-v2", response.Route.Model);
        Assert.Equal(["model-v1"], RequestsAbout(app.Upstream, first).Select(ModelSent));
        Assert.Equal(["model-v2"], RequestsAbout(app.Upstream, second).Select(ModelSent));
    }

    [Fact]
    public async Task Catalog_DeploymentDisabledInTheFile_IsNoLongerListedOrRoutable()
    {
        using var client = app.CreateClient();
        var deployment = app.UpstreamDeployment("retiring-model");
        app.WriteCatalog(new JsonObject { ["retiring"] = deployment });
        await WaitForModelAsync(client, "retiring", "retiring-model");

        var disabled = (JsonObject)deployment.DeepClone();
        disabled["Enabled"] = false;
        app.WriteCatalog(new JsonObject { ["retiring"] = disabled });
        await Eventually.HoldsAsync(async () => (await ModelsAsync(client)).All(m => m.Id != "retiring"),
            "GET /v1/models stops listing a disabled deployment", ReloadWait);

        using var response = await PostAsync(client, Ask("retiring", "hello"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.UnknownModel);
        Assert.Contains("disabled in the catalog", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Catalog_RouteStrategyEditedInTheFile_TheNextRequestIsRoutedByTheNewStrategy()
    {
        using var client = app.CreateClient();
        var basic = app.UpstreamDeployment("basic-model");
        var premium = app.UpstreamDeployment("premium-model");
        premium["Tier"] = 3;
        var deployments = new JsonObject { ["basic"] = basic, ["premium"] = premium };
        JsonObject Route(string strategy) => new()
        {
            ["switching"] = new JsonObject { ["Strategy"] = strategy, ["Candidates"] = new JsonArray("basic", "premium") },
        };
        app.WriteCatalog((JsonObject)deployments.DeepClone(), Route("priority"));
        await WaitForModelAsync(client, "switching", null);
        var before = await CompleteAsync(client, Ask("switching", UniqueQuestion()));

        app.WriteCatalog((JsonObject)deployments.DeepClone(), Route("quality"));
        await Eventually.HoldsAsync(async () => (await ModelsAsync(client)).Any(m => m.Id == "switching" && m.Provider == "quality"),
            "GET /v1/models shows the route's new strategy", ReloadWait);
        var after = await CompleteAsync(client, Ask("switching", UniqueQuestion()));

        Assert.Equal(("basic", "priority"), (before.Route.Deployment, before.Route.Strategy));
        Assert.Equal(("premium", "quality"), (after.Route.Deployment, after.Route.Strategy));
    }

    private static string? ModelSent(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("model").GetString();
    }
}
