using AiAspire.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.Gateway.Authentication;

/// <summary>
/// Turns the key a request presents (Bearer or api-key header) into an identity holding a scope, or the 401/403/503
/// problem that says why not. Stores are asked in registration order: configuration first, then Redis.
/// </summary>
public sealed class ApiKeyAuthenticator(IEnumerable<IApiKeyStore> stores, TimeProvider time)
{
    private readonly IApiKeyStore[] _stores = [.. stores];

    public async Task<(ApiKeyIdentity? Identity, ProblemHttpResult? Problem)> AuthenticateAsync(
        HttpContext context, string? scope)
    {
        var presented = PresentedKey(context.Request);
        if (presented is null)
        {
            return Unauthorized(context, "An API key is required: send it as 'Authorization: Bearer <key>' or 'api-key: <key>'.");
        }

        ApiKeyIdentity? identity = null;
        try
        {
            foreach (var store in _stores)
            {
                identity = await store.FindAsync(presented, context.RequestAborted);
                if (identity is not null)
                {
                    break;
                }
            }
        }
        catch (ApiKeyStoreUnavailableException)
        {
            context.Response.Headers.RetryAfter = "5";
            return (null, TypedResults.Problem("API keys cannot be checked right now; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable));
        }

        if (identity is null)
        {
            return Unauthorized(context, "The API key is not valid.");
        }
        if (identity.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
        {
            return Unauthorized(context, "The API key has expired.");
        }
        if (scope is { Length: > 0 } && !identity.Scopes.Contains(scope))
        {
            return (null, Forbidden($"The API key lacks the '{scope}' scope."));
        }
        return (identity, null);
    }

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, type: ProblemTypes.Forbidden);

    internal static string? PresentedKey(HttpRequest request)
    {
        if (request.Headers.Authorization is { Count: 1 } authorization
            && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return NonEmpty(value["Bearer ".Length..].Trim());
        }
        return request.Headers["api-key"] is { Count: 1 } apiKey ? NonEmpty(apiKey[0]?.Trim()) : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) || value.Length > 512 ? null : value;

    private static (ApiKeyIdentity?, ProblemHttpResult?) Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return (null, TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, type: ProblemTypes.Unauthorized));
    }
}
