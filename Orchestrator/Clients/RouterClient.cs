using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AiAspire.Contracts;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Clients;

/// <summary>RouterService: picks a deployment and calls it, with fallbacks.</summary>
public sealed class RouterClient(HttpClient http) : ServiceClient(http, "routerservice"), IRouterClient
{
    public Task<CompletionResponse> CompleteAsync(string tenant, CompletionRequest request, CancellationToken cancellationToken) =>
        PostAsync("/v1/complete", tenant, WithNeeds(request) with { Stream = false },
            ContractsJsonContext.Default.CompletionRequest, ContractsJsonContext.Default.CompletionResponse, cancellationToken);

    public Task<IReadOnlyList<ModelDescriptor>> ListModelsAsync(string tenant, CancellationToken cancellationToken) =>
        GetAsync("/v1/models", tenant, ContractsJsonContext.Default.IReadOnlyListModelDescriptor, cancellationToken);

    /// <summary>The router's server-sent events, as they arrive.</summary>
    public async Task<IAsyncEnumerable<CompletionStreamEvent>> StreamAsync(string tenant, CompletionRequest request, CancellationToken cancellationToken)
    {
        var message = Request(HttpMethod.Post, "/v1/complete", tenant);
        message.Content = JsonContent.Create(WithNeeds(request) with { Stream = true }, ContractsJsonContext.Default.CompletionRequest);
        var response = await SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return ReadEvents(message, response, cancellationToken);
    }

    /// <summary>A request with tools needs a deployment that can call them: the router only plans those.</summary>
    internal static CompletionRequest WithNeeds(CompletionRequest request) =>
        request.Tools is { Count: > 0 } && !(request.Capabilities ?? []).Contains("tools", StringComparer.OrdinalIgnoreCase)
            ? request with { Capabilities = [.. request.Capabilities ?? [], "tools"] }
            : request;

    private static async IAsyncEnumerable<CompletionStreamEvent> ReadEvents(
        HttpRequestMessage message, HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (message)
        using (response)
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var parser = SseParser.Create(body, static (_, data) =>
                JsonSerializer.Deserialize(data, ContractsJsonContext.Default.CompletionStreamEvent));
            await foreach (var item in parser.EnumerateAsync(cancellationToken))
            {
                if (item.Data is { } @event)
                {
                    yield return @event;
                }
            }
        }
    }
}
