using AiAspire.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Microsoft.Extensions.Hosting;

/// <summary>The tenant of a request, as the gateway set it from the API key.</summary>
public static class TenantContext
{
    private static readonly object ItemKey = new();

    // Read once per configuration and again when it reloads: an IConfiguration lookup on every request walks the
    // providers under the configuration manager's lock.
    private static readonly ConditionalWeakTable<IConfiguration, SecretHolder> Secrets = new();

    /// <summary>
    /// An endpoint filter for route groups: requests without a tenant header get 401. When the service has a secret
    /// (<c>Internal:Secret</c>), the tenant, key id and scopes headers must also carry the gateway's valid signature
    /// (<see cref="InternalSignature"/>), so nobody but the gateway can name a tenant.
    /// </summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var headers = http.Request.Headers;
            var tenant = headers[AiAspireHeaders.Tenant].ToString();
            if (string.IsNullOrWhiteSpace(tenant) || tenant.Length > 128)
            {
                return Unauthorized("The request carries no tenant: call through the gateway with an API key.");
            }
            var secret = http.RequestServices.GetService<IConfiguration>() is { } configuration ? SecretOf(configuration) : null;
            if (!string.IsNullOrEmpty(secret))
            {
                var now = (http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
                var problem = InternalSignature.Verify(secret, tenant, headers[AiAspireHeaders.KeyId].ToString(),
                    headers[AiAspireHeaders.Scopes].ToString(), headers[InternalSignature.Header].ToString(), now);
                if (problem is not null)
                {
                    return Unauthorized(problem);
                }
            }
            http.Items[ItemKey] = tenant;
            return await next(context);
        });

    /// <summary>The tenant set by <see cref="RequireTenant{TBuilder}"/>.</summary>
    public static string GetTenant(this HttpContext context) =>
        context.Items[ItemKey] as string
        ?? throw new InvalidOperationException("The endpoint is not behind RequireTenant().");

    private static string? SecretOf(IConfiguration configuration) =>
        Secrets.GetValue(configuration, static c =>
        {
            var holder = new SecretHolder { Value = c[InternalSignature.ServiceSecretKey] };
            ChangeToken.OnChange(c.GetReloadToken, () => holder.Value = c[InternalSignature.ServiceSecretKey]);
            return holder;
        }).Value;

    private sealed class SecretHolder
    {
        public volatile string? Value;
    }

    private static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, type: ProblemTypes.Unauthorized);
}
