using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RouterService;

public static class RouterApi
{
    private static readonly HashSet<string> Roles = new(StringComparer.OrdinalIgnoreCase) { "system", "developer", "user", "assistant" };

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

        RoutePlan plan;
        try
        {
            plan = planner.Plan(request!);
        }
        catch (RoutingException ex)
        {
            return RoutingProblem(ex);
        }

        if (request!.Stream)
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

    public static async Task<Results<Ok<RouteDecision>, ProblemHttpResult>> Explain(HttpContext context, RoutePlanner planner, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.CompletionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        try
        {
            var plan = planner.Plan(request! with { Messages = request.Messages ?? [] });
            var first = plan.Deployments[0];
            var candidates = plan.Deployments.Select(d => new RouteAttempt(d.Name, "candidate", 0)).Concat(plan.Skipped);
            return TypedResults.Ok(new RouteDecision(plan.Route, first.Name, first.ModelId, first.Options.Provider, plan.Strategy, [.. candidates]));
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
            .Select(d => new ModelDescriptor(d.Name, "deployment", d.Options.Provider, d.ModelId));
        var routes = catalog.Current.Routes
            .Where(r => r.Value.Candidates.Any(c => catalog.FindDeployment(c) is { IsAvailable: true }))
            .Select(r => new ModelDescriptor(r.Key, "route", r.Value.Strategy, null));
        return TypedResults.Ok<IReadOnlyList<ModelDescriptor>>([.. routes.Concat(deployments).OrderBy(m => m.Kind).ThenBy(m => m.Id, StringComparer.Ordinal)]);
    }

    private static ProblemHttpResult? Validate(CompletionRequest request)
    {
        if (request.Messages is not { Count: > 0 })
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
        return null;
    }

    private static ProblemHttpResult RoutingProblem(RoutingException ex) =>
        TypedResults.Problem(
            ex.Message,
            statusCode: ex.CallerError ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway,
            type: ex.CallerError ? ProblemTypes.UnknownModel : ProblemTypes.UpstreamFailed,
            extensions: new Dictionary<string, object?> { ["attempts"] = ex.Attempts });
}
