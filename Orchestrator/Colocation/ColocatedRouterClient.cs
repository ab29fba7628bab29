using System.Net;
using System.Runtime.CompilerServices;
using AiAspire.Contracts.Router;
using AiAspire.Orchestrator.Budgets;
using AiAspire.Orchestrator.Clients;
using AiAspire.RouterService;
using AiAspire.RouterService.Routing;

namespace AiAspire.Orchestrator.Colocation;

/// <summary>
/// The router's engine called in this process (<c>Colocation:Router</c>): no HTTP, no JSON, no server-sent events
/// between the pipeline and the router. What the pipeline sees is what <see cref="RouterClient"/> gives it: the same
/// validation and plan as RouterService's <c>/v1/complete</c>, a refusal as a <see cref="DownstreamException"/> with
/// RouterService's status and problem body, a stream's failure after its first token as the router's <c>error</c> event,
/// and an unexpected fault as RouterService's 500 (before the first event) or a broken stream (after it).
/// </summary>
public sealed class ColocatedRouterClient(RouterEngine engine) : IRouterClient, IModelLimitsClient
{
    private const string Service = "routerservice";

    public async Task<CompletionResponse> CompleteAsync(string tenant, CompletionRequest request, CancellationToken cancellationToken)
    {
        var (plan, prepared) = Plan(tenant, RouterClient.WithNeeds(request) with { Stream = false });
        try
        {
            return await engine.CompleteAsync(plan, prepared, cancellationToken);
        }
        catch (RoutingException ex)
        {
            throw Refused(RouterProblem.Of(ex));
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            throw Faulted(ex);
        }
    }

    /// <remarks>
    /// Returns once the router's first event is in, as over HTTP, where RouterService's response (its headers) arrives
    /// with its first event: the pipeline's <c>infer</c> stage then measures the same thing in both modes (the time to
    /// the model's first event), and a fault before that event is RouterService's 500.
    /// </remarks>
    public async Task<IAsyncEnumerable<CompletionStreamEvent>> StreamAsync(string tenant, CompletionRequest request, CancellationToken cancellationToken)
    {
        var (plan, prepared) = Plan(tenant, RouterClient.WithNeeds(request) with { Stream = true });
        var events = engine.StreamAsync(plan, prepared, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            var any = await events.MoveNextAsync();
            return Events(events, any, cancellationToken);
        }
        catch (Exception ex)
        {
            await events.DisposeAsync();
            if (IsFault(ex, cancellationToken))
            {
                throw Faulted(ex);
            }
            throw;
        }
    }

    public Task<IReadOnlyList<ModelDescriptor>> ListModelsAsync(string tenant, CancellationToken cancellationToken) =>
        Task.FromResult(engine.ListModels());

    public Task<IReadOnlyList<RouterModel>> ListAsync(string tenant, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RouterModel>>(
            [.. engine.ListModels().Select(m => new RouterModel(m.Id, m.Kind, m.Model, m.ContextWindow, m.MaxOutputTokens))]);

    /// <summary>Validates and plans the request as <c>/v1/complete</c> does; a refusal is RouterService's problem.</summary>
    private (RoutePlan Plan, CompletionRequest Request) Plan(string tenant, CompletionRequest request)
    {
        if (RouterEngine.Validate(request) is { } invalid)
        {
            throw Refused(invalid);
        }
        try
        {
            return (engine.Plan(request, tenant), request);
        }
        catch (RoutingException ex)
        {
            throw Refused(RouterProblem.Of(ex));
        }
        catch (Exception ex) when (IsFault(ex, CancellationToken.None))
        {
            throw Faulted(ex);
        }
    }

    /// <summary>
    /// The router's events as it yields them, from the first one <see cref="StreamAsync"/> already read (when
    /// <paramref name="any"/>). The router reports every failure as an event; anything else it throws is a fault that
    /// over HTTP would have cut the stream, and is reported the way a cut stream is.
    /// </summary>
    private async IAsyncEnumerable<CompletionStreamEvent> Events(
        IAsyncEnumerator<CompletionStreamEvent> events, bool any, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using (events)
        {
            while (any)
            {
                yield return events.Current;
                try
                {
                    any = await events.MoveNextAsync();
                }
                catch (Exception ex) when (IsFault(ex, cancellationToken))
                {
                    throw new DownstreamException(Service, null, $"The stream from {Service} broke: {ex.Message}", inner: ex);
                }
            }
        }
    }

    private static DownstreamException Refused(RouterProblem problem) =>
        new(Service, (HttpStatusCode)problem.Status, $"{Service} answered {problem.Status}.", problem.ToJson());

    /// <summary>What RouterService answers for an exception it did not expect: a 500.</summary>
    private static DownstreamException Faulted(Exception ex) =>
        new(Service, HttpStatusCode.InternalServerError, $"{Service} answered 500.", inner: ex);

    private static bool IsFault(Exception ex, CancellationToken cancellationToken) =>
        ex is not (DownstreamException or RoutingException) && !cancellationToken.IsCancellationRequested;
}
