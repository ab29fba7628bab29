using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;
using AiAspire.Gateway.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AiAspire.Gateway.Admin;

/// <summary>
/// /api/tenants/{tenant}/limits: a tenant's limits, replacing the configured per-tenant defaults on every replica
/// without a restart. Admin scope; a tenant's admins may read their own tenant's, only the operator (a bootstrap key)
/// may change them — they are what a tenant pays for.
/// </summary>
public static class TenantLimitsApi
{
    public static RouteGroupBuilder MapTenantLimitsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tenants/{tenant}/limits").AddEndpointFilter(ApiKeysApi.RequireAdmin);
        group.MapGet("/", GetAsync);
        group.MapPut("/", SetAsync);
        group.MapDelete("/", ClearAsync);
        return group;
    }

    public static async Task<Results<Ok<TenantLimitsInfo>, ProblemHttpResult>> GetAsync(
        HttpContext context, [FromServices] TenantLimitStore? store, IOptionsMonitor<RateLimitOptions> options, string tenant)
    {
        if (Refused(context, store, tenant, change: false) is { } problem)
        {
            return problem;
        }
        var overrides = await store!.ReadAsync(tenant, context.RequestAborted);
        return TypedResults.Ok(Info(tenant, overrides, options.CurrentValue));
    }

    /// <summary>PUT: replaces the tenant's overrides; each limit left out keeps the configured default, 0 is unlimited.</summary>
    public static async Task<Results<Ok<TenantLimitsInfo>, ProblemHttpResult>> SetAsync(
        HttpContext context, [FromServices] TenantLimitStore? store, IOptionsMonitor<RateLimitOptions> options, string tenant)
    {
        if (Refused(context, store, tenant, change: true) is { } refused)
        {
            return refused;
        }
        var (limits, problem) = await JsonBody.ReadAsync(context.Request, GatewayJsonContext.Default.LimitOverrides, context.RequestAborted);
        if (limits is null)
        {
            return problem!;
        }
        if (!limits.IsValid(allowUnlimited: true))
        {
            return JsonBody.Validation("Limits must be numbers of at least 0 (0 = unlimited; leave one out to use the configured default).");
        }
        var stored = limits.IsEmpty ? null : limits;
        await store!.SetAsync(tenant, stored, context.RequestAborted);
        return TypedResults.Ok(Info(tenant, stored, options.CurrentValue));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> ClearAsync(
        HttpContext context, [FromServices] TenantLimitStore? store, string tenant)
    {
        if (Refused(context, store, tenant, change: true) is { } problem)
        {
            return problem;
        }
        await store!.SetAsync(tenant, null, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult? Refused(HttpContext context, TenantLimitStore? store, string tenant, bool change)
    {
        if (store is null)
        {
            return TypedResults.Problem("Tenant limits need Redis: the gateway has no 'cache' connection string.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
        if (!ApiKeysApi.TenantPattern().IsMatch(tenant))
        {
            return JsonBody.Validation("'tenant' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
        }
        var caller = ApiKeysApi.Caller(context);
        if (change && !caller.Bootstrap)
        {
            return ApiKeyAuthenticator.Forbidden("Only the operator's key may change a tenant's limits.");
        }
        if (!caller.Bootstrap && caller.Tenant != tenant)
        {
            return ApiKeyAuthenticator.Forbidden("An admin key may only read its own tenant's limits.");
        }
        return null;
    }

    private static TenantLimitsInfo Info(string tenant, LimitOverrides? overrides, RateLimitOptions options) => new(
        tenant,
        overrides,
        new LimitOverrides(
            overrides?.RequestsPerMinute ?? options.Requests.PerTenant,
            overrides?.TokensPerMinute ?? options.Tokens.PerTenant,
            overrides?.ConcurrentRequests ?? options.Concurrency.PerTenant,
            overrides?.MonthlyBudgetUsd ?? options.Budget.MonthlyUsdPerTenant));
}
