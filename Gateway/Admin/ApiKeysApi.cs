using System.Text.RegularExpressions;
using AiAspire.Contracts;
using AiAspire.Gateway.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace AiAspire.Gateway.Admin;

/// <summary>/api/keys: create, list, read, limit and revoke stored API keys; admin scope, a tenant's admins see only their tenant.</summary>
public static partial class ApiKeysApi
{
    private const int MaxModels = 64;

    public static RouteGroupBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").AddEndpointFilter(RequireAdmin);
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}/limits", SetLimitsAsync);
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

        if (request.Limits is { } limits && !limits.IsValid(allowUnlimited: false))
        {
            return InvalidKeyLimits();
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
        if (tenant is not null && !TenantPattern().IsMatch(tenant))
        {
            return JsonBody.Validation("'tenant' must be 1-64 characters of a-z, 0-9, '-' and '_'.");
        }
        var caller = Caller(context);
        if (tenant is not null && tenant != caller.Tenant && !caller.Bootstrap)
        {
            return ApiKeyAuthenticator.Forbidden("An admin key may only list keys of its own tenant.");
        }
        var keys = await admin.ListAsync(caller.Bootstrap ? tenant : caller.Tenant, context.RequestAborted);
        return TypedResults.Ok(keys.Select(ApiKeyInfo.From).ToList());
    }

    public static async Task<Results<Ok<ApiKeyInfo>, ProblemHttpResult>> GetAsync(
        HttpContext context, [FromServices] IApiKeyAdmin? admin, string id)
    {
        if (admin is null)
        {
            return NotConfigured();
        }
        var key = await VisibleKeyAsync(context, admin, id);
        return key is null ? NoSuchKey(id) : TypedResults.Ok(ApiKeyInfo.From(key));
    }

    /// <summary>PUT /api/keys/{id}/limits: replaces the key's own limits (an empty body object clears them) on every replica.</summary>
    public static async Task<Results<Ok<ApiKeyInfo>, ProblemHttpResult>> SetLimitsAsync(
        HttpContext context, [FromServices] IApiKeyAdmin? admin, string id)
    {
        if (admin is null)
        {
            return NotConfigured();
        }
        var (limits, problem) = await JsonBody.ReadAsync(context.Request, GatewayJsonContext.Default.LimitOverrides, context.RequestAborted);
        if (limits is null)
        {
            return problem!;
        }
        if (!limits.IsValid(allowUnlimited: false))
        {
            return InvalidKeyLimits();
        }
        var key = await VisibleKeyAsync(context, admin, id);
        var updated = key is null ? null : await admin.SetLimitsAsync(id, limits.IsEmpty ? null : limits, context.RequestAborted);
        return updated is null ? NoSuchKey(id) : TypedResults.Ok(ApiKeyInfo.From(updated));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        HttpContext context, [FromServices] IApiKeyAdmin? admin, string id)
    {
        if (admin is null)
        {
            return NotConfigured();
        }
        if (await VisibleKeyAsync(context, admin, id) is null)
        {
            return NoSuchKey(id);
        }
        await admin.RevokeAsync(id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>The key, if the caller may see it: another tenant's key is reported as missing, not as forbidden.</summary>
    private static async Task<StoredApiKey?> VisibleKeyAsync(HttpContext context, IApiKeyAdmin admin, string id)
    {
        var caller = Caller(context);
        var key = id.Length <= 64 ? await admin.GetAsync(id, context.RequestAborted) : null;
        return key is null || (key.Tenant != caller.Tenant && !caller.Bootstrap) ? null : key;
    }

    private static ProblemHttpResult NoSuchKey(string id) =>
        TypedResults.Problem($"There is no API key '{id}'.", statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound);

    private static ProblemHttpResult InvalidKeyLimits() =>
        JsonBody.Validation("'limits' must be positive numbers (leave one out to use the configured default).");

    internal static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
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

    internal static ApiKeyIdentity Caller(HttpContext context) => (ApiKeyIdentity)context.Items[ApiKeyMiddleware.IdentityItem]!;

    private static ProblemHttpResult NotConfigured() =>
        TypedResults.Problem("Stored API keys need Redis: the gateway has no 'cache' connection string.",
            statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable);

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    internal static partial Regex TenantPattern();
}
