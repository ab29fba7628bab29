using System.Diagnostics;
using AiAspire.Contracts;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// Every request gets an x-request-id (the caller's, when it is sane; otherwise the trace id), forwarded to the
/// backend and returned to the caller. W3C traceparent is carried on by YARP's own instrumentation.
/// </summary>
public static class RequestCorrelation
{
    private const int MaxLength = 128;

    public static IApplicationBuilder UseRequestCorrelation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Request.Headers;
        var presented = headers[AiAspireHeaders.RequestId];
        var id = presented.Count == 1 && presented[0] is { Length: > 0 and <= MaxLength } value && value.All(c => c is > ' ' and < (char)127)
            ? value
            : Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        headers[AiAspireHeaders.RequestId] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[AiAspireHeaders.RequestId] = id;
            return Task.CompletedTask;
        });
        await next(context);
    });
}
