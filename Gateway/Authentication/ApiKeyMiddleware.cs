using System.Runtime.CompilerServices;
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

    // Keyed by the identity instance: stores hand out the same instance while it is cached, and a new one after any change.
    private readonly ConditionalWeakTable<ApiKeyIdentity, SignedIdentity> _signed = new();

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
        List<string>? spoofed = null;
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(AiAspireHeaders.InternalPrefix, StringComparison.OrdinalIgnoreCase))
            {
                (spoofed ??= []).Add(header.Key);
            }
        }
        foreach (var name in spoofed ?? [])
        {
            headers.Remove(name);
        }
        headers.Remove("Authorization");
        headers.Remove("api-key");
        var signed = _signed.GetValue(identity, static identity => new SignedIdentity(identity));
        headers[AiAspireHeaders.Tenant] = identity.Tenant;
        headers[AiAspireHeaders.KeyId] = identity.KeyId;
        headers[AiAspireHeaders.Scopes] = signed.Scopes;
        if (_internalSecret is not null)
        {
            headers[InternalSignature.Header] = signed.Signature(_internalSecret, time.GetUtcNow());
        }
        context.Items[IdentityItem] = identity;

        await next();
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// An identity's headers, worked out once per cached identity: the sorted scopes, and the signature of the current
    /// second (the signature only carries whole seconds, so every request of that second gets the same one).
    /// </summary>
    private sealed class SignedIdentity(ApiKeyIdentity identity)
    {
        private Stamp? _signature;

        public string Scopes { get; } = string.Join(' ', identity.Scopes.Order(StringComparer.Ordinal));

        public string Signature(string secret, DateTimeOffset now)
        {
            var second = now.ToUnixTimeSeconds();
            if (Volatile.Read(ref _signature) is { } cached && cached.Second == second)
            {
                return cached.Value;
            }
            var value = InternalSignature.Sign(secret, identity.Tenant, identity.KeyId, Scopes, now);
            Volatile.Write(ref _signature, new Stamp(second, value));
            return value;
        }

        private sealed record Stamp(long Second, string Value);
    }
}
