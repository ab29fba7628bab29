using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RouterService;

public static class RouterApi
{
    private static readonly HashSet<string> Roles = new(StringComparer.OrdinalIgnoreCase) { "system", "developer", "user", "assistant", "tool" };

    public static RouteGroupBuilder MapRouterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireTenant();
        api.MapPost("/complete", Complete);
        api.MapPost("/route/explain", Explain);
        api.MapGet("/models", ListModels);
        return api;
    }

    public static async Task<IResult> Complete(HttpContext context, RoutePlanner planner, CompletionRouter router, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.CompletionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (Validate(request!) is { } invalid)
        {
            return invalid;
        }
        request = WithStrategyHeader(request!, context.Request);

        RoutePlan plan;
        try
        {
            plan = planner.Plan(request, context.GetTenant());
        }
        catch (RoutingException ex)
        {
            return RoutingProblem(ex);
        }

        if (request.Stream)
        {
            return TypedResults.ServerSentEvents(router.StreamAsync(plan, request, cancellationToken));
        }

        try
        {
            return TypedResults.Ok(await router.CompleteAsync(plan, request, cancellationToken));
        }
        catch (RoutingException ex)
        {
            return RoutingProblem(ex);
        }
    }

    /// <summary>The plan for a request and the reasons for it, without calling a model; messages may be omitted.</summary>
    public static async Task<Results<Ok<RouteExplanation>, ProblemHttpResult>> Explain(HttpContext context, RoutePlanner planner, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.CompletionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        request = WithStrategyHeader(request! with { Messages = request.Messages ?? [] }, context.Request);
        if (Validate(request, requireMessages: false) is { } invalid)
        {
            return invalid;
        }
        try
        {
            var plan = planner.Plan(request, context.GetTenant());
            var first = plan.Deployments[0];
            var candidates = plan.Ranking
                .Select((r, i) => new RouteCandidate(r.Deployment.Name, "candidate", i + 1, r.Score, r.Reason))
                .Concat(plan.Skipped.Select(s => new RouteCandidate(s.Deployment, "skipped", null, null, s.Error ?? "skipped")));
            var complexity = plan.Profile.Complexity;
            return TypedResults.Ok(new RouteExplanation(
                plan.Route, plan.Strategy, first.Name, first.ModelId, first.Options.Provider,
                plan.Profile.EstimatedPromptTokens,
                [.. candidates],
                new PromptComplexity(complexity.Score, plan.ComplexityThreshold,
                    complexity.IsHard(plan.ComplexityThreshold) ? "hard" : "easy", complexity.Features)));
        }
        catch (RoutingException ex)
        {
            return RoutingProblem(ex);
        }
    }

    public static Ok<IReadOnlyList<ModelDescriptor>> ListModels(ModelCatalog catalog)
    {
        var deployments = catalog.Deployments()
            .Where(d => d.IsAvailable)
            .Select(d => new ModelDescriptor(d.Name, "deployment", d.Options.Provider, d.ModelId, d.Options.ContextWindow, d.Options.MaxOutputTokens));
        var routes = catalog.Current.Routes
            .Where(r => catalog.CandidatesOf(r.Value).Concat(r.Value.Fallbacks).Any(c => catalog.FindDeployment(c) is { IsAvailable: true }))
            .Select(r => RouteDescriptor(catalog, r.Key, r.Value));
        return TypedResults.Ok<IReadOnlyList<ModelDescriptor>>([.. routes.Concat(deployments).OrderBy(m => m.Kind).ThenBy(m => m.Id, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// A route's limits are the smallest among its available candidates (not its fallbacks), so a prompt sized to them
    /// fits whichever candidate the strategy picks; smaller fallbacks are skipped by the router's own context check.
    /// </summary>
    private static ModelDescriptor RouteDescriptor(ModelCatalog catalog, string name, Catalog.RouteOptions route)
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

    /// <summary>The body's strategy, else the <c>x-route-strategy</c> header's.</summary>
    private static CompletionRequest WithStrategyHeader(CompletionRequest request, HttpRequest http) =>
        string.IsNullOrWhiteSpace(request.Strategy) && http.Headers[RouterHeaders.Strategy].ToString() is { Length: > 0 } header
            ? request with { Strategy = header.Trim() }
            : request;

    private static ProblemHttpResult? Validate(CompletionRequest request, bool requireMessages = true)
    {
        if (request.Messages is null || (requireMessages && request.Messages.Count == 0))
        {
            return JsonBody.Validation("messages must hold at least one message.");
        }
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            if (message is null || !Roles.Contains(message.Role ?? ""))
            {
                return JsonBody.Validation($"messages[{i}].role must be one of: {string.Join(", ", Roles)}.");
            }
            if (message.Content is null)
            {
                return JsonBody.Validation($"messages[{i}].content is required.");
            }
        }
        for (var i = 0; i < (request.Tools?.Count ?? 0); i++)
        {
            if (request.Tools![i] is not { Name.Length: > 0 and <= 64 } tool)
            {
                return JsonBody.Validation($"tools[{i}].name must be 1..64 characters.");
            }
            if (tool.Parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
            {
                return JsonBody.Validation($"tools[{i}].parameters must be a JSON schema object.");
            }
        }
        if (request.ToolChoice is { } choice
            && (choice.Mode is not (ToolChoice.Auto or ToolChoice.None or ToolChoice.Required or ToolChoice.Function)
                || (choice.Mode == ToolChoice.Function && request.Tools?.Any(t => t.Name == choice.FunctionName) != true)))
        {
            return JsonBody.Validation("toolChoice must be auto, none, required, or function with the functionName of a declared tool.");
        }
        if (request.MaxTokens is < 1)
        {
            return JsonBody.Validation("maxTokens must be at least 1.");
        }
        if (request.Temperature is < 0 or > 2 || request.TopP is < 0 or > 1)
        {
            return JsonBody.Validation("temperature must be within 0..2 and topP within 0..1.");
        }
        if (request.ResponseFormat is { } format && format.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return JsonBody.Validation("responseFormat must be an object.");
        }
        for (var i = 0; i < (request.Capabilities?.Count ?? 0); i++)
        {
            if (!DeploymentCapabilities.Known.Contains(request.Capabilities![i] ?? ""))
            {
                return JsonBody.Validation(
                    $"capabilities[{i}] '{request.Capabilities[i]}' is not one of: {string.Join(", ", DeploymentCapabilities.Known)}.");
            }
        }
        return null;
    }

    private static ProblemHttpResult RoutingProblem(RoutingException ex)
    {
        var (status, type) = ex.Failure switch
        {
            RoutingFailure.UnknownModel => (StatusCodes.Status404NotFound, ProblemTypes.UnknownModel),
            RoutingFailure.UnknownStrategy => (StatusCodes.Status400BadRequest, RouterProblemTypes.UnknownStrategy),
            RoutingFailure.Unservable => (StatusCodes.Status422UnprocessableEntity, RouterProblemTypes.UnservableRequest),
            _ => (StatusCodes.Status502BadGateway, ProblemTypes.UpstreamFailed),
        };
        return TypedResults.Problem(ex.Message, statusCode: status, type: type,
            extensions: new Dictionary<string, object?> { ["attempts"] = ex.Attempts });
    }
}
