using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using AiAspire.RouterService.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.RouterService;

public static class RouterApi
{
    public static RouteGroupBuilder MapRouterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireTenant();
        api.MapPost("/complete", Complete);
        api.MapPost("/route/explain", Explain);
        api.MapGet("/models", ListModels);
        return api;
    }

    public static async Task<IResult> Complete(HttpContext context, RouterEngine engine, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.CompletionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (RouterEngine.Validate(request!) is { } invalid)
        {
            return Problem(invalid);
        }
        request = WithStrategyHeader(request!, context.Request);

        RoutePlan plan;
        try
        {
            plan = engine.Plan(request, context.GetTenant());
        }
        catch (RoutingException ex)
        {
            return Problem(RouterProblem.Of(ex));
        }

        if (request.Stream)
        {
            return TypedResults.ServerSentEvents(engine.StreamAsync(plan, request, cancellationToken));
        }

        try
        {
            return TypedResults.Ok(await engine.CompleteAsync(plan, request, cancellationToken));
        }
        catch (RoutingException ex)
        {
            return Problem(RouterProblem.Of(ex));
        }
    }

    /// <summary>The plan for a request and the reasons for it, without calling a model; messages may be omitted.</summary>
    public static async Task<Results<Ok<RouteExplanation>, ProblemHttpResult>> Explain(HttpContext context, RouterEngine engine, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, ContractsJsonContext.Default.CompletionRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        request = WithStrategyHeader(request! with { Messages = request.Messages ?? [] }, context.Request);
        if (RouterEngine.Validate(request, requireMessages: false) is { } invalid)
        {
            return Problem(invalid);
        }
        try
        {
            return TypedResults.Ok(RouterEngine.Explain(engine.Plan(request, context.GetTenant())));
        }
        catch (RoutingException ex)
        {
            return Problem(RouterProblem.Of(ex));
        }
    }

    public static Ok<IReadOnlyList<ModelDescriptor>> ListModels(RouterEngine engine) => TypedResults.Ok(engine.ListModels());

    /// <summary>The body's strategy, else the <c>x-route-strategy</c> header's.</summary>
    private static CompletionRequest WithStrategyHeader(CompletionRequest request, HttpRequest http) =>
        string.IsNullOrWhiteSpace(request.Strategy) && http.Headers[RouterHeaders.Strategy].ToString() is { Length: > 0 } header
            ? request with { Strategy = header.Trim() }
            : request;

    private static ProblemHttpResult Problem(RouterProblem problem) =>
        TypedResults.Problem(problem.Detail, statusCode: problem.Status, title: problem.Title, type: problem.Type,
            extensions: problem.Attempts is null ? null : new Dictionary<string, object?> { ["attempts"] = problem.Attempts });
}
