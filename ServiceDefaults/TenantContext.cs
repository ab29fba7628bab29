using AiAspire.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>The tenant of a request, as the gateway set it from the API key.</summary>
public static class TenantContext
{
    private static readonly object ItemKey = new();

    /// <summary>An endpoint filter for route groups: requests without a tenant header get 401.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var tenant = context.HttpContext.Request.Headers[AiAspireHeaders.Tenant].ToString();
            if (string.IsNullOrWhiteSpace(tenant) || tenant.Length > 128)
            {
                return TypedResults.Problem("The request carries no tenant: call through the gateway with an API key.",
                    statusCode: StatusCodes.Status401Unauthorized, type: ProblemTypes.Unauthorized);
            }
            context.HttpContext.Items[ItemKey] = tenant;
            return await next(context);
        });

    /// <summary>The tenant set by <see cref="RequireTenant{TBuilder}"/>.</summary>
    public static string GetTenant(this HttpContext context) =>
        context.Items[ItemKey] as string
        ?? throw new InvalidOperationException("The endpoint is not behind RequireTenant().");
}
