using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace AiAspire.Gateway.Admin;

/// <summary>/api/keys: create, list and revoke stored API keys; admin scope, a tenant's admins see only their tenant.</summary>
public static partial class ApiKeysApi
{
    private const int MaxModels = 64;

    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").AddEndpointFilter(RequireAdmin);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapDelete("/{id}", RevokeAsync);
        return group;
    }

    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(
        HttpContext context, [FromServices] IApiKeyAdmin? admin, TimeProvider time)
    {
        if (admin is null)
        {
            return NotConfigured();
        }
        var (request, problem) = await JsonBody.ReadAsync(context.Request, GatewayJsonContext.Default.CreateApiKeyRequest, context.RequestAborted);
        if (request is null)
        {
            return problem!;
        }

        var caller = Caller(context);
        var tenant = request.Tenant ?? caller.Tenant;
        if (!TenantPattern().IsMatch(tenant))
        {
            return JsonBody.Validation("'tenant' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
        }
        if (tenant != caller.Tenant && !caller.Bootstrap)
        {
            return ApiKeyAuthenticator.Forbidden("An admin key may only create keys for its own tenant.");
        }
        if (request.Name is { Length: > 100 })
        {
            return JsonBody.Validation("'name' must be at most 100 characters.");
        }
        var scopes = request.Scopes?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() ?? [];
        if (scopes.Count == 0 || scopes.Any(s => !Scopes.All.Contains(s)))
        {
            return JsonBody.Validation($"'scopes' must name at least one of: {string.Join(", ", Scopes.All.Order(StringComparer.Ordinal))}.");
        }
        var models = request.Models?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() ?? [];
        if (models.Count > MaxModels || models.Any(m => string.IsNullOrWhiteSpace(m) || m.Length > 128))
        {
            return JsonBody.Validation($"'models' must hold at most {MaxModels} non-empty names of at most 128 characters.");
        }
        if (request.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            return JsonBody.Validation("'expiresAt' must be in the future.");
        }

        if (request.Limits is { } limits && (limits.RequestsPerMinute < 1 || limits.TokensPerMinute < 1 || limits.ConcurrentRequests < 1 || limits.MonthlyBudgetUsd <= 0))
        {
            return JsonBody.Validation("'limits' must be positive numbers (leave one out to use the configured default).");
        }

        var (key, secret) = await admin.CreateAsync(tenant, request.Name, scopes, models, request.ExpiresAt, request.Limits, context.RequestAborted);
        return TypedResults.Created($"/api/keys/{key.Id}",
            new CreatedApiKey(key.Id, secret, key.Tenant, key.Name, key.Scopes, key.Models, key.CreatedAt, key.ExpiresAt, key.Limits));
    }

    public static async Task<Results<Ok<List<ApiKeyInfo>>, ProblemHttpResult>> ListAsync(
        HttpContext context, [FromServices] IApiKeyAdmin? admin, string? tenant)
    {
        if (admin is null)
        {
            return NotConfigured();
        }
        var caller = Caller(context);
        if (tenant is not null && tenant != caller.Tenant && !caller.Bootstrap)
        {
            return ApiKeyAuthenticator.Forbidden("An admin key may only list keys of its own tenant.");
        }
        var keys = await admin.ListAsync(caller.Bootstrap ? tenant : caller.Tenant, context.RequestAborted);
        return TypedResults.Ok(keys.Select(ApiKeyInfo.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        HttpContext context, [FromServices] IApiKeyAdmin? admin, string id)
    {
        if (admin is null)
        {
            return NotConfigured();
        }
        var caller = Caller(context);
        var key = id.Length <= 64 ? await admin.GetAsync(id, context.RequestAborted) : null;
        // Another tenant's key is reported as missing, not as forbidden: its existence is not the caller's business.
        if (key is null || (key.Tenant != caller.Tenant && !caller.Bootstrap))
        {
            return TypedResults.Problem($"There is no API key '{id}'.", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);
        }
        await admin.RevokeAsync(id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var authenticator = context.HttpContext.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        var (identity, problem) = await authenticator.AuthenticateAsync(context.HttpContext, Scopes.Admin);
        if (identity is null)
        {
            return problem;
        }
        context.HttpContext.Items[ApiKeyMiddleware.IdentityItem] = identity;
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem("The API key store cannot be reached; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);
        }
    }

    private static ApiKeyIdentity Caller(HttpContext context) => (ApiKeyIdentity)context.Items[ApiKeyMiddleware.IdentityItem]!;

    private static ProblemHttpResult NotConfigured() =>
        TypedResults.Problem("Stored API keys need Redis: the gateway has no 'cache' connection string.",
            statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex TenantPattern();
}
