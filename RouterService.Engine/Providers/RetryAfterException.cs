using System.Net;

namespace AiAspire.RouterService.Providers;

/// <summary>A provider's 429 or 5xx that asked for a wait before the next call.</summary>
public sealed class RetryAfterException(HttpStatusCode status, TimeSpan retryAfter)
    : HttpRequestException($"HTTP {(int)status}: the provider asks to retry after {retryAfter.TotalSeconds:0.###} s.", null, status)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
