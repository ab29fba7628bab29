using System.Globalization;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;
using AiAspire.Gateway.Proxying;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Yarp.ReverseProxy.Model;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// In the proxy pipeline after authentication: takes every configured limit of the key and its tenant atomically in
/// Redis before the call (tokens as estimated prompt + max output), answers 429 with Retry-After when one is spent,
/// sets OpenAI-style x-ratelimit-* headers, and afterwards frees the concurrency slot, corrects the token reservation
/// with the usage the response reports and charges its cost to the budgets (JSON: body and x-aiaspire-cost; streams:
/// the usage chunk and the orchestrator's usage comment, read as they pass). Limits are the configured defaults,
/// replaced by the key's own and its tenant's overrides. In steady traffic a request takes the admission its
/// predecessor's settle reserved for it (<see cref="AdmissionCredits"/>) instead of waiting on its own.
/// </summary>
public sealed partial class RateLimitMiddleware(
    IOptionsMonitor<RateLimitOptions> options, TimeProvider time, ILogger<RateLimitMiddleware> logger, IServiceProvider services)
{
    public const string RateLimitedType = "https://aiaspire.dev/problems/rate-limited";
    public const string BudgetExhaustedType = "https://aiaspire.dev/problems/budget-exhausted";

    private readonly RedisRateLimiter? _limiter = services.GetService<RedisRateLimiter>();
    private readonly AdmissionCredits? _credits = services.GetService<AdmissionCredits>();
    private readonly TenantLimitStore? _tenantLimits = services.GetService<TenantLimitStore>();

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var limits = options.CurrentValue;
        if (context.Items[ApiKeyMiddleware.IdentityItem] is not ApiKeyIdentity identity)
        {
            await next();
            return;
        }
        var tenantLimits = _tenantLimits is null ? null : await _tenantLimits.GetAsync(identity.Tenant, context.RequestAborted);
        var keyLimits = identity.Limits;
        var requests = Effective(limits.Requests, keyLimits?.RequestsPerMinute, tenantLimits?.RequestsPerMinute);
        var tokens = Effective(limits.Tokens, keyLimits?.TokensPerMinute, tenantLimits?.TokensPerMinute);
        var concurrency = Effective(limits.Concurrency, keyLimits?.ConcurrentRequests, tenantLimits?.ConcurrentRequests);
        var budget = new BudgetOptions
        {
            MonthlyUsdPerKey = keyLimits?.MonthlyBudgetUsd ?? limits.Budget.MonthlyUsdPerKey,
            MonthlyUsdPerTenant = tenantLimits?.MonthlyBudgetUsd ?? limits.Budget.MonthlyUsdPerTenant,
            FailOpen = limits.Budget.FailOpen,
        };
        if (!(requests.Active || tokens.Active || concurrency.Active || budget.Active))
        {
            await next();
            return;
        }

        var reservedTokens = 0L;
        var modelInBody = context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(ApiKeyMiddleware.ModelInBodyMetadata) == "true";
        if (tokens.Active && modelInBody)
        {
            var (body, problem) = await RequestBodyPeek.ReadAsync(context);
            if (body is null)
            {
                await problem!.ExecuteAsync(context);
                return;
            }
            reservedTokens = body.EstimatedPromptTokens + (body.MaxOutputTokens ?? limits.DefaultMaxOutputTokens);
        }

        var month = time.GetUtcNow();
        var checks = Checks(identity, requests, tokens, concurrency, reservedTokens);
        AddBudgets(checks, identity, budget, month);
        if (checks.Count == 0)
        {
            await next();
            return;
        }
        var signature = _credits is null || limits.CreditHold <= TimeSpan.Zero ? null : AdmissionCredits.Signature(checks);
        var ownReservation = reservedTokens;
        var credit = signature is null ? null : await _credits!.TakeAsync(signature, reservedTokens);
        var requestId = credit?.Id ?? Guid.NewGuid().ToString("N");
        RateLimitDecision decision;
        try
        {
            if (_limiter is null)
            {
                throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "The gateway has no 'cache' connection string.");
            }
            decision = credit?.Decision ?? await _limiter.AcquireAsync(requestId, limits.ConcurrencyLease, checks, context.RequestAborted);
            // Refused while this replica holds a credit for the same limits: the credit is this request's.
            if (!decision.Granted && signature is not null && await _credits!.TakeAsync(signature, reservedTokens) is { } late)
            {
                credit = late;
                (requestId, decision) = (late.Id, late.Decision);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            var closed = checks.Where(c => !c.FailOpen).Select(c => c.Kind).Distinct().ToList();
            LogRedisUnavailable(logger, closed.Count == 0 ? "open" : "closed", ex.Message);
            if (closed.Count == 0)
            {
                await next();
                return;
            }
            context.Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(
                $"Rate limits ({string.Join(", ", closed).ToLowerInvariant()}) cannot be checked right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable).ExecuteAsync(context);
            return;
        }

        if (credit is not null)
        {
            // Settled against what the credit reserved, which is at least this request's own estimate.
            reservedTokens = credit.ReservedTokens;
        }
        SetHeaders(context.Response, decision);
        if (!decision.Granted)
        {
            var denied = decision.States[decision.DeniedIndex];
            if (denied.Check.Kind == LimitKind.Budget)
            {
                var nextMonth = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
                context.Response.Headers.RetryAfter = ((long)Math.Ceiling((nextMonth - month).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    $"The {Who(denied.Check)}'s monthly budget of {denied.Check.Limit / 1_000_000m:0.######} USD is spent.",
                    statusCode: StatusCodes.Status429TooManyRequests, title: "Budget exhausted", type: BudgetExhaustedType).ExecuteAsync(context);
                return;
            }
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(denied.Reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var who = Who(denied.Check);
            var what = denied.Check.Kind switch
            {
                LimitKind.Requests => $"{denied.Check.Limit} requests per minute",
                LimitKind.Tokens => $"{denied.Check.Limit} tokens per minute (this request reserves {denied.Check.Cost})",
                _ => $"{denied.Check.Limit} concurrent requests",
            };
            await TypedResults.Problem($"The {who}'s limit of {what} is reached.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", type: RateLimitedType).ExecuteAsync(context);
            return;
        }

        var charged = checks.Any(c => c.Kind == LimitKind.Budget);
        var capture = reservedTokens > 0 || charged ? new UsageCaptureStream(context.Response.Body, context.Response, captureJson: reservedTokens > 0) : null;
        var original = context.Response.Body;
        if (capture is not null)
        {
            context.Response.Body = capture;
        }
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = original;
            if (Settle(context.Response, requestId, decision, checks, reservedTokens, capture) && signature is not null)
            {
                _credits!.Refill(signature, checks, ownReservation);
            }
        }
    }

    /// <summary>
    /// After the call, however it ended (a stream cut off or cancelled included): frees the concurrency slots, settles
    /// the token reservation at the usage the response reported — or leaves it standing, the upper bound, when it
    /// reported none — and charges the reported cost (header, or the stream's usage comment) to the budgets. The script
    /// is sent before the request ends but not waited for: this replica's later scripts go down the same connection
    /// after it, so its own next request never finds the slot still taken; a failure is logged when it happens.
    /// </summary>
    /// <returns>False when the settle could not be sent (Redis unreachable).</returns>
    private bool Settle(HttpResponse response, string requestId, RateLimitDecision decision, List<LimitCheck> checks, long reservedTokens,
        UsageCaptureStream? capture)
    {
        var delta = 0L;
        var success = response.StatusCode is >= 200 and < 300;
        if (reservedTokens > 0 && capture is not null && success && capture.TotalTokens() is { } used)
        {
            delta = used - reservedTokens;
        }
        var cost = Cost(response);
        if (cost == 0 && capture?.StreamCostUsd is { } streamed)
        {
            cost = MicroUsd(streamed);
        }
        if (capture is { IsEventStream: true, StreamCompleted: false })
        {
            LogStreamUnfinished(logger, capture.TotalTokens() is null ? "left standing" : "settled", cost > 0 ? "charged" : "unknown");
        }
        try
        {
            var settled = _limiter!.SettleAsync(requestId, decision.BucketSecond, delta, cost, checks);
            if (!settled.IsCompletedSuccessfully)
            {
                _ = settled.ContinueWith(static (task, state) => LogReleaseFailed((ILogger)state!, task.Exception!.GetBaseException().Message), logger,
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The concurrency lease expires on its own; the token correction and the charge are lost (the reservation stands).
            LogReleaseFailed(logger, ex.Message);
            return false;
        }
    }

    private static string Who(LimitCheck check) => check.PerTenant ? "tenant" : "API key";

    /// <summary>The orchestrator's x-aiaspire-cost (USD) in micro-USD; 0 when absent or nonsense.</summary>
    private static long Cost(HttpResponse response) =>
        decimal.TryParse(response.Headers[AiAspireHeaders.Cost], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var usd)
            ? MicroUsd(usd)
            : 0;

    private static long MicroUsd(decimal usd) => usd is > 0 and < 1_000_000 ? (long)Math.Ceiling(usd * 1_000_000m) : 0;

    private static void AddBudgets(List<LimitCheck> checks, ApiKeyIdentity identity, BudgetOptions budget, DateTimeOffset now)
    {
        if (budget.MonthlyUsdPerKey > 0)
        {
            checks.Add(new(LimitKind.Budget, LimitKeys.KeyBudget(identity.Tenant, identity.KeyId, now), (long)(budget.MonthlyUsdPerKey * 1_000_000m), 0, budget.FailOpen));
        }
        if (budget.MonthlyUsdPerTenant > 0)
        {
            checks.Add(new(LimitKind.Budget, LimitKeys.TenantBudget(identity.Tenant, now), (long)(budget.MonthlyUsdPerTenant * 1_000_000m), 0, budget.FailOpen, PerTenant: true));
        }
    }

    private static LimitOptions Effective(LimitOptions configured, long? keyLimit, long? tenantLimit) => new()
    {
        PerKey = keyLimit ?? configured.PerKey,
        PerTenant = tenantLimit ?? configured.PerTenant,
        FailOpen = configured.FailOpen,
    };

    private static List<LimitCheck> Checks(ApiKeyIdentity identity, LimitOptions requests, LimitOptions tokens, LimitOptions concurrency, long reservedTokens)
    {
        var checks = new List<LimitCheck>(6);
        void Add(LimitKind kind, LimitOptions limit, long cost)
        {
            if (limit.PerKey > 0)
            {
                checks.Add(new(kind, LimitKeys.KeyWindow(identity.Tenant, identity.KeyId, kind), limit.PerKey, cost, limit.FailOpen));
            }
            if (limit.PerTenant > 0)
            {
                checks.Add(new(kind, LimitKeys.TenantWindow(identity.Tenant, kind), limit.PerTenant, cost, limit.FailOpen, PerTenant: true));
            }
        }
        Add(LimitKind.Requests, requests, 1);
        if (reservedTokens > 0)
        {
            Add(LimitKind.Tokens, tokens, reservedTokens);
        }
        Add(LimitKind.Concurrency, concurrency, 1);
        return checks;
    }

    /// <summary>OpenAI's headers, for the tighter of the key's and the tenant's limit of each kind.</summary>
    private static void SetHeaders(HttpResponse response, RateLimitDecision decision)
    {
        SetHeaders(response, decision, LimitKind.Requests, "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests");
        SetHeaders(response, decision, LimitKind.Tokens, "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");
    }

    private static void SetHeaders(HttpResponse response, RateLimitDecision decision, LimitKind kind, string limitHeader, string remainingHeader, string resetHeader)
    {
        LimitState? tightest = null;
        var least = long.MaxValue;
        foreach (var state in decision.States)
        {
            var left = state.Check.Limit - state.UsedBefore - (decision.Granted ? state.Check.Cost : 0);
            if (state.Check.Kind == kind && (tightest is null || left < least))
            {
                (tightest, least) = (state, left);
            }
        }
        if (tightest is null)
        {
            return;
        }
        var headers = response.Headers;
        headers[limitHeader] = tightest.Check.Limit.ToString(CultureInfo.InvariantCulture);
        headers[remainingHeader] = Math.Max(0, least).ToString(CultureInfo.InvariantCulture);
        headers[resetHeader] = ((long)Math.Ceiling(tightest.Reset.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable for rate limits; failing {Mode}: {Reason}")]
    private static partial void LogRedisUnavailable(ILogger logger, string mode, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A stream ended before its [DONE]: token reservation {Tokens}, cost {Cost}")]
    private static partial void LogStreamUnfinished(ILogger logger, string tokens, string cost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release a request's rate limits: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string reason);
}
