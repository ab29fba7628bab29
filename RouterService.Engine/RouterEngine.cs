using System.Text.Json;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Routing;

namespace AiAspire.RouterService;

/// <summary>
/// What a host of the router does with a request between its transport and <see cref="CompletionRouter"/>: validate,
/// plan, complete or stream, explain, list the models. RouterService's endpoints and the orchestrator's co-located
/// router both call it, so both answer alike.
/// </summary>
public sealed class RouterEngine(RoutePlanner planner, CompletionRouter router, ModelCatalog catalog)
{
    private static readonly HashSet<string> Roles = new(StringComparer.OrdinalIgnoreCase) { "system", "developer", "user", "assistant", "tool" };

    /// <summary>The plan for <paramref name="request"/> on behalf of <paramref name="tenant"/>.</summary>
    /// <exception cref="RoutingException">Unknown model or strategy, or nothing can serve the request (<see cref="RouterProblem.Of"/>).</exception>
    public RoutePlan Plan(CompletionRequest request, string tenant) => planner.Plan(request, tenant);

    /// <exception cref="RoutingException">Every deployment of the plan failed or was skipped.</exception>
    public Task<CompletionResponse> CompleteAsync(RoutePlan plan, CompletionRequest request, CancellationToken cancellationToken) =>
        router.CompleteAsync(plan, request, cancellationToken);

    /// <summary>Events <c>start</c>, <c>delta</c>…, then <c>done</c> or <c>error</c> (a failure never throws).</summary>
    public IAsyncEnumerable<CompletionStreamEvent> StreamAsync(RoutePlan plan, CompletionRequest request, CancellationToken cancellationToken) =>
        router.StreamAsync(plan, request, cancellationToken);

    /// <summary>The plan and the reasons for it, without calling a model.</summary>
    public static RouteExplanation Explain(RoutePlan plan)
    {
        var first = plan.Deployments[0];
        var candidates = plan.Ranking
            .Select((r, i) => new RouteCandidate(r.Deployment.Name, "candidate", i + 1, r.Score, r.Reason))
            .Concat(plan.Skipped.Select(s => new RouteCandidate(s.Deployment, "skipped", null, null, s.Error ?? "skipped")));
        var complexity = plan.Profile.Complexity;
        return new RouteExplanation(
            plan.Route, plan.Strategy, first.Name, first.ModelId, first.Options.Provider,
            plan.Profile.EstimatedPromptTokens,
            [.. candidates],
            new PromptComplexity(complexity.Score, plan.ComplexityThreshold,
                complexity.IsHard(plan.ComplexityThreshold) ? "hard" : "easy", complexity.Features));
    }

    /// <summary>The routes and deployments that can be called now, with their limits (<c>GET /v1/models</c>).</summary>
    public IReadOnlyList<ModelDescriptor> ListModels()
    {
        var deployments = catalog.Deployments()
            .Where(d => d.IsAvailable)
            .Select(d => new ModelDescriptor(d.Name, "deployment", d.Options.Provider, d.ModelId, d.Options.ContextWindow, d.Options.MaxOutputTokens));
        var routes = catalog.Current.Routes
            .Where(r => catalog.CandidatesOf(r.Value).Concat(r.Value.Fallbacks).Any(c => catalog.FindDeployment(c) is { IsAvailable: true }))
            .Select(r => RouteDescriptor(r.Key, r.Value));
        return [.. routes.Concat(deployments).OrderBy(m => m.Kind).ThenBy(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A route's limits are the smallest among its available candidates (not its fallbacks), so a prompt sized to them
    /// fits whichever candidate the strategy picks; smaller fallbacks are skipped by the router's own context check.
    /// </summary>
    private ModelDescriptor RouteDescriptor(string name, RouteOptions route)
    {
        var candidates = catalog.CandidatesOf(route)
            .Select(catalog.FindDeployment)
            .OfType<Deployment>()
            .Where(d => d.IsAvailable)
            .ToList();
        return candidates.Count == 0
            ? new ModelDescriptor(name, "route", route.Strategy, null)
            : new ModelDescriptor(name, "route", route.Strategy, null,
                candidates.Min(d => d.Options.ContextWindow), candidates.Min(d => d.Options.MaxOutputTokens));
    }

    /// <summary>What is wrong with <paramref name="request"/> as the router's input, or null when nothing is.</summary>
    public static RouterProblem? Validate(CompletionRequest request, bool requireMessages = true)
    {
        if (request.Messages is null || (requireMessages && request.Messages.Count == 0))
        {
            return RouterProblem.Validation("messages must hold at least one message.");
        }
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            if (message is null || !Roles.Contains(message.Role ?? ""))
            {
                return RouterProblem.Validation($"messages[{i}].role must be one of: {string.Join(", ", Roles)}.");
            }
            if (message.Content is null)
            {
                return RouterProblem.Validation($"messages[{i}].content is required.");
            }
        }
        for (var i = 0; i < (request.Tools?.Count ?? 0); i++)
        {
            if (request.Tools![i] is not { Name.Length: > 0 and <= 64 } tool)
            {
                return RouterProblem.Validation($"tools[{i}].name must be 1..64 characters.");
            }
            if (tool.Parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
            {
                return RouterProblem.Validation($"tools[{i}].parameters must be a JSON schema object.");
            }
        }
        if (request.ToolChoice is { } choice
            && (choice.Mode is not (ToolChoice.Auto or ToolChoice.None or ToolChoice.Required or ToolChoice.Function)
                || (choice.Mode == ToolChoice.Function && request.Tools?.Any(t => t.Name == choice.FunctionName) != true)))
        {
            return RouterProblem.Validation("toolChoice must be auto, none, required, or function with the functionName of a declared tool.");
        }
        if (request.MaxTokens is < 1)
        {
            return RouterProblem.Validation("maxTokens must be at least 1.");
        }
        if (request.Temperature is < 0 or > 2 || request.TopP is < 0 or > 1)
        {
            return RouterProblem.Validation("temperature must be within 0..2 and topP within 0..1.");
        }
        if (request.ResponseFormat is { } format && format.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return RouterProblem.Validation("responseFormat must be an object.");
        }
        for (var i = 0; i < (request.Capabilities?.Count ?? 0); i++)
        {
            if (!DeploymentCapabilities.Known.Contains(request.Capabilities![i] ?? ""))
            {
                return RouterProblem.Validation(
                    $"capabilities[{i}] '{request.Capabilities[i]}' is not one of: {string.Join(", ", DeploymentCapabilities.Known)}.");
            }
        }
        return null;
    }
}
