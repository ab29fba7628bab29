using AiAspire.Contracts;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Model;

namespace AiAspire.Gateway.Authentication;

/// <summary>
/// In the proxy pipeline: authenticates the API key (Bearer or api-key header), checks the route's scope, then
/// replaces every inbound internal header with the key's tenant, id and scopes and drops the key itself.
/// </summary>
public sealed class ApiKeyMiddleware(IApiKeyStore keys)
{
    public const string ScopeMetadata = "Scope";

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var presented = PresentedKey(context.Request);
        if (presented is null)
        {
            await Problem(context, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized,
                "An API key is required: send it as 'Authorization: Bearer <key>' or 'api-key: <key>'.");
            return;
        }

        var identity = await keys.FindAsync(presented, context.RequestAborted);
        if (identity is null)
        {
            await Problem(context, StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "The API key is not valid.");
            return;
        }

        var route = context.GetReverseProxyFeature().Route.Config;
        if (route.Metadata?.GetValueOrDefault(ScopeMetadata) is { Length: > 0 } scope && !identity.Scopes.Contains(scope))
        {
            await Problem(context, StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, $"The API key lacks the '{scope}' scope.");
            return;
        }

        var headers = context.Request.Headers;
        foreach (var name in headers.Keys.Where(k => k.StartsWith(AiAspireHeaders.InternalPrefix, StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(name);
        }
        headers.Remove("Authorization");
        headers.Remove("api-key");
        headers[AiAspireHeaders.Tenant] = identity.Tenant;
        headers[AiAspireHeaders.KeyId] = identity.KeyId;
        headers[AiAspireHeaders.Scopes] = string.Join(' ', identity.Scopes.Order(StringComparer.Ordinal));

        await next();
    }

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

    private static Task Problem(HttpContext context, int status, string type, string detail)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = new StringValues("Bearer");
        }
        return TypedResults.Problem(detail, statusCode: status, type: type).ExecuteAsync(context);
    }
}
