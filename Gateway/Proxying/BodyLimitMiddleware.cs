using System.Globalization;
using AiAspire.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// Per-route request body limits (route metadata <c>MaxRequestBodySize</c>, else Kestrel's limit): a declared
/// Content-Length over the limit is refused with 413 before anything else; a chunked body is cut by the server at
/// the same limit.
/// </summary>
public static class BodyLimitMiddleware
{
    public const string MaxRequestBodySizeMetadata = "MaxRequestBodySize";

    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var limit = feature?.MaxRequestBodySize ?? RequestBodyPeek.DefaultLimit;
        if (context.GetReverseProxyFeature().Route.Config.Metadata?.GetValueOrDefault(MaxRequestBodySizeMetadata) is { } configured
            && long.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var routeLimit))
        {
            limit = routeLimit;
            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = routeLimit;
            }
        }
        if (context.Request.ContentLength > limit)
        {
            await TypedResults.Problem($"The request body is larger than this endpoint accepts ({limit} bytes).",
                statusCode: StatusCodes.Status413PayloadTooLarge, type: ProblemTypes.PayloadTooLarge).ExecuteAsync(context);
            return;
        }
        await next();

        // A body without a declared length is cut by the server at the limit while YARP streams it: that is the caller's 413, not a 502.
        if (!context.Response.HasStarted && IsBodyTooLarge(context.GetForwarderErrorFeature()?.Exception))
        {
            await TypedResults.Problem($"The request body is larger than this endpoint accepts ({limit} bytes).",
                statusCode: StatusCodes.Status413PayloadTooLarge, type: ProblemTypes.PayloadTooLarge).ExecuteAsync(context);
        }
    }

    private static bool IsBodyTooLarge(Exception? error)
    {
        for (var depth = 0; error is not null && depth < 8; error = error.InnerException, depth++)
        {
            if (error is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }
        return false;
    }
}
