using System.Globalization;
using System.Net;

namespace AiAspire.RouterService.Providers;

/// <summary>
/// For SDKs whose exceptions drop the response headers (Anthropic's): a 429 or 5xx that names a wait (Retry-After,
/// retry-after-ms) becomes a <see cref="RetryAfterException"/> carrying it, so the router can honour it.
/// </summary>
public sealed class RetryAfterHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is (int)HttpStatusCode.TooManyRequests or >= 500 && RetryAfterOf(response) is { } wait)
        {
            response.Dispose();
            throw new RetryAfterException(response.StatusCode, wait);
        }
        return response;
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > time.GetUtcNow() ? date - time.GetUtcNow() : TimeSpan.Zero,
            _ => null,
        };
    }
}
