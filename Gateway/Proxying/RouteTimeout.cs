using AiAspire.Contracts;
using Microsoft.AspNetCore.Http.Timeouts;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// Routes' <c>Timeout</c> is enforced by the request-timeouts middleware, which cancels the request; YARP then reports
/// a cancelled request as the client's fault (400). This says what happened instead: 504 problem+json.
/// </summary>
public static class RouteTimeout
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true
            && !context.Response.HasStarted)
        {
            context.Response.Clear();
            await TypedResults.Problem("The service behind the gateway did not answer in time.",
                statusCode: StatusCodes.Status504GatewayTimeout, type: ProblemTypes.Unavailable).ExecuteAsync(context);
        }
    }
}
