using AiAspire.Contracts;
using AiAspire.Gateway.Proxying;
using Yarp.ReverseProxy.Model;

namespace AiAspire.Gateway.Authentication;

/// <summary>
/// In the proxy pipeline: authenticates the API key, checks the route's scope and, on routes whose body names a
/// model, the key's allowed models; then replaces every inbound internal header with the key's tenant, id and
/// scopes and drops the key itself.
/// </summary>
public sealed class ApiKeyMiddleware(ApiKeyAuthenticator authenticator, IConfiguration configuration, TimeProvider time)
{
    private readonly string? _internalSecret = NonEmpty(configuration[InternalSignature.GatewaySecretKey])
        ?? NonEmpty(configuration[InternalSignature.ServiceSecretKey]);

    public const string ScopeMetadata = "Scope";

    /// <summary>Route metadata: "true" when the JSON body carries an OpenAI-style <c>model</c>.</summary>
    public const string ModelInBodyMetadata = "ModelInBody";

    public const string IdentityItem = "AiAspire.Gateway.Identity";

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var metadata = context.GetReverseProxyFeature().Route.Config.Metadata;
        var (identity, problem) = await authenticator.AuthenticateAsync(context, metadata?.GetValueOrDefault(ScopeMetadata));
        if (identity is null)
        {
            await problem!.ExecuteAsync(context);
            return;
        }

        if (identity.Models.Count > 0 && metadata?.GetValueOrDefault(ModelInBodyMetadata) == "true")
        {
            var (body, bodyProblem) = await RequestBodyPeek.ReadAsync(context);
            if (body is null)
            {
                await bodyProblem!.ExecuteAsync(context);
                return;
            }
            var model = body.Model;
            if (model is null || !identity.MayUse(model))
            {
                var allowed = string.Join(", ", identity.Models.Order(StringComparer.Ordinal));
                await ApiKeyAuthenticator.Forbidden(model is null
                    ? $"The API key may only use these models, and the request must name one: {allowed}."
                    : $"The API key may not use the model '{model}'; it may use: {allowed}.").ExecuteAsync(context);
                return;
            }
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
        var scopes = string.Join(' ', identity.Scopes.Order(StringComparer.Ordinal));
        headers[AiAspireHeaders.Scopes] = scopes;
        if (_internalSecret is not null)
        {
            headers[InternalSignature.Header] = InternalSignature.Sign(_internalSecret, identity.Tenant, identity.KeyId, scopes, time.GetUtcNow());
        }
        context.Items[IdentityItem] = identity;

        await next();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
