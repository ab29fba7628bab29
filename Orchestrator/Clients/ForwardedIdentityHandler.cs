using AiAspire.Contracts;

namespace AiAspire.Orchestrator.Clients;

/// <summary>
/// Passes the gateway-signed identity of the inbound request (tenant, key id, scopes, signature) unchanged to the
/// services the orchestrator calls, so they can verify it was the gateway that vouched for the tenant.
/// </summary>
public sealed class ForwardedIdentityHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    private static readonly string[] Forwarded = [AiAspireHeaders.Tenant, AiAspireHeaders.KeyId, AiAspireHeaders.Scopes, InternalSignature.Header];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext?.Request.Headers is { } inbound)
        {
            foreach (var name in Forwarded)
            {
                if (inbound.TryGetValue(name, out var value) && value.Count == 1)
                {
                    request.Headers.Remove(name);
                    request.Headers.TryAddWithoutValidation(name, value.ToString());
                }
            }
        }
        return base.SendAsync(request, cancellationToken);
    }
}
