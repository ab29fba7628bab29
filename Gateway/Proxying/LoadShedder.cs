using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using AiAspire.Contracts;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// In the proxy pipeline after authentication and before rate limits: each route has a bounded number of requests in
/// flight and a bounded, time-limited queue (Gateway:Overload). When a downstream saturates, requests beyond both are
/// answered 503 with Retry-After at once, so the gateway recovers by itself as soon as the downstream drains.
/// A shed request takes nothing from the caller's rate limits.
/// </summary>
public sealed class LoadShedder : IDisposable
{
    public const string OverloadedType = "https://aiaspire.dev/problems/overloaded";

    private readonly IOptionsMonitor<OverloadOptions> _options;
    private readonly IDisposable? _subscription;
    private ConcurrentDictionary<string, ConcurrencyLimiter?> _limiters = new(StringComparer.OrdinalIgnoreCase);

    public LoadShedder(IOptionsMonitor<OverloadOptions> options)
    {
        _options = options;
        // New settings take effect with new limiters; requests holding or awaiting the old ones finish under them.
        _subscription = options.OnChange(_ => Interlocked.Exchange(ref _limiters, new(StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>The route's limiter, null when the route is unbounded.</summary>
    public ConcurrencyLimiter? LimiterFor(string routeId) => _limiters.GetOrAdd(routeId, Create);

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var limiter = LimiterFor(route.RouteId);
        if (limiter is null)
        {
            await next();
            return;
        }

        var options = _options.CurrentValue;
        var timeout = Effective(options, route.RouteId).QueueTimeout ?? TimeSpan.FromSeconds(10);
        // A free permit (the usual case) is taken without arming a timer; otherwise the request queues, for a while.
        var lease = limiter.AttemptAcquire(1);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            using var waited = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            waited.CancelAfter(timeout);
            try
            {
                lease = await limiter.AcquireAsync(1, waited.Token);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                await ShedAsync(context, options, $"The '{route.RouteId}' route waited {timeout.TotalSeconds:0.#} s for capacity in vain.");
                return;
            }
        }
        using (lease)
        {
            if (!lease.IsAcquired)
            {
                await ShedAsync(context, options, $"The '{route.RouteId}' route is at capacity and its queue is full.");
                return;
            }
            await next();
        }
    }

    public void Dispose() => _subscription?.Dispose();

    private ConcurrencyLimiter? Create(string routeId)
    {
        var overload = Effective(_options.CurrentValue, routeId);
        return overload.PermitLimit is > 0 and var permits
            ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = permits,
                QueueLimit = Math.Max(0, overload.QueueLimit ?? 0),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            })
            : null;
    }

    private static RouteOverload Effective(OverloadOptions options, string routeId)
    {
        var route = options.Routes.GetValueOrDefault(routeId);
        return new RouteOverload
        {
            PermitLimit = route?.PermitLimit ?? options.Default.PermitLimit,
            QueueLimit = route?.QueueLimit ?? options.Default.QueueLimit,
            QueueTimeout = route?.QueueTimeout ?? options.Default.QueueTimeout,
        };
    }

    private static Task ShedAsync(HttpContext context, OverloadOptions options, string detail)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(options.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail + " Try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Overloaded", type: OverloadedType).ExecuteAsync(context);
    }
}
