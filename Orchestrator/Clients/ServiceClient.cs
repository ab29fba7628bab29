using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using AiAspire.Contracts;

namespace AiAspire.Orchestrator.Clients;

/// <summary>JSON calls to an internal service on behalf of a tenant, with errors turned into <see cref="DownstreamException"/>.</summary>
public abstract class ServiceClient(HttpClient http, string service)
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> Paths = new(StringComparer.Ordinal);

    protected HttpClient Http { get; } = http;

    /// <param name="safeToRepeat">
    /// Whether the call may be sent again when an attempt fails (it changes nothing, or a repeat changes nothing more):
    /// only such POSTs are retried by the resilience handler.
    /// </param>
    protected async Task<TResponse> PostAsync<TRequest, TResponse>(
        string path, string tenant, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken,
        bool safeToRepeat = false)
    {
        using var request = Request(HttpMethod.Post, path, tenant);
        if (safeToRepeat)
        {
            request.MarkSafeToRepeat();
        }
        request.Content = JsonContent.Create(body, requestType);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadAsync(response, responseType, cancellationToken);
    }

    protected async Task<TResponse> GetAsync<TResponse>(string path, string tenant, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path, tenant);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await ReadAsync(response, responseType, cancellationToken);
    }

    protected static HttpRequestMessage Request(HttpMethod method, string path, string tenant)
    {
        // The few paths are parsed once, not on every call.
        var request = new HttpRequestMessage(method, Paths.GetOrAdd(path, static p => new Uri(p, UriKind.Relative)));
        request.Headers.TryAddWithoutValidation(AiAspireHeaders.Tenant, tenant);
        return request;
    }

    /// <summary>Sends; a non-success status becomes a <see cref="DownstreamException"/> carrying the service's problem body.</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, completion, cancellationToken);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            throw new DownstreamException(service, null, $"{service} could not be reached: {ex.Message}", inner: ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new DownstreamException(service, response.StatusCode, $"{service} answered {(int)response.StatusCode}.", problem);
        }
    }

    /// <summary>
    /// The service could not be reached or answered too late: connection errors, timeouts, and the resilience
    /// handler's refusals (an open circuit, a rejected attempt) — but not the caller giving up.
    /// </summary>
    protected static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException
        && !cancellationToken.IsCancellationRequested;

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(type, cancellationToken)
            ?? throw new DownstreamException(service, response.StatusCode, $"{service} answered with an empty body.");
}
