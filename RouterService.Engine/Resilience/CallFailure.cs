using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using AiAspire.RouterService.Providers;
using Anthropic.Exceptions;

namespace AiAspire.RouterService.Resilience;

/// <summary>What went wrong with one call to a deployment, and what that allows: a retry, a wait, a larger model.</summary>
/// <param name="Transient">Worth retrying and counted by the circuit breaker: 408, 429, 5xx, a timeout or a network error.</param>
/// <param name="RetryAfter">The wait the provider asked for (Retry-After / retry-after-ms), if any.</param>
/// <param name="ContextOverflow">The provider refused the prompt as longer than the model's context window.</param>
public sealed record CallFailure(string Description, bool Transient, TimeSpan? RetryAfter, bool ContextOverflow)
{
    private static readonly string[] OverflowMarks =
        ["context_length_exceeded", "maximum context length", "prompt is too long", "too many tokens", "context window"];

    public static CallFailure Of(Exception exception, bool timedOut, TimeProvider time)
    {
        if (timedOut)
        {
            return new CallFailure("timed out", Transient: true, null, ContextOverflow: false);
        }

        var description = $"{exception.GetType().Name}: {exception.Message}";
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is RetryAfterException asked)
            {
                // The SDK wraps it (as an I/O error); the status and the wait are what matter.
                return OfStatus($"{nameof(RetryAfterException)}: {asked.Message}", (int)asked.StatusCode!.Value, asked.RetryAfter, "");
            }
        }
        switch (exception)
        {
            case ClientResultException { Status: > 0 } result:
                var response = result.GetRawResponse();
                return OfStatus(description, result.Status, RetryAfterOf(response, time), BodyOf(response) + " " + result.Message);
            case AnthropicApiException api:
                return OfStatus(description, (int)api.StatusCode, null, api.ResponseBody + " " + api.Message);
            case AnthropicIOException or AnthropicSseException:
                // A dropped connection, or an error event (overloaded_error, api_error) in the middle of a stream.
                return new CallFailure(description, Transient: true, null, ContextOverflow: false);
            case HttpRequestException { StatusCode: { } status } http:
                return OfStatus(description, (int)status, null, http.Message);
            case HttpRequestException or IOException or ClientResultException or TimeoutException:
                return new CallFailure(description, Transient: true, null, ContextOverflow: false);
            default:
                return new CallFailure(description, Transient: false, null, ContextOverflow: false);
        }
    }

    private static CallFailure OfStatus(string description, int status, TimeSpan? retryAfter, string body)
    {
        var transient = status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500;
        var overflow = status is (int)HttpStatusCode.BadRequest or (int)HttpStatusCode.RequestEntityTooLarge
            && OverflowMarks.Any(mark => body.Contains(mark, StringComparison.OrdinalIgnoreCase));
        return new CallFailure(description, transient, transient ? retryAfter : null, overflow);
    }

    private static string BodyOf(PipelineResponse? response)
    {
        try
        {
            return response?.Content?.ToString() ?? "";
        }
        catch (InvalidOperationException)
        {
            // A streamed response's body was never buffered.
            return "";
        }
    }

    internal static TimeSpan? RetryAfterOf(PipelineResponse? response, TimeProvider time)
    {
        if (response is null)
        {
            return null;
        }
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }
        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? TimeSpan.FromTicks(Math.Max((date - time.GetUtcNow()).Ticks, 0))
            : null;
    }
}
