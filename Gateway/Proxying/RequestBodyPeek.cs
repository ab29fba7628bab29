using System.Text.Json;
using AiAspire.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// What the gateway needs from an OpenAI-style JSON body before proxying it: the model and a token estimate. The body
/// is buffered (in memory up to 64 KB, then on disk), never beyond the request body limit, and rewound so YARP sends it
/// on unchanged. Read once per request.
/// </summary>
public static class RequestBodyPeek
{
    private static readonly object ItemKey = new();

    public const long DefaultLimit = 10 * 1024 * 1024;
    private const int MemoryThreshold = 64 * 1024;

    public static async Task<(PeekedBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpContext context)
    {
        if (context.Items[ItemKey] is PeekedBody peeked)
        {
            return (peeked, null);
        }
        var (body, problem) = await ParseAsync(context);
        context.Items[ItemKey] = body;
        return (body, problem);
    }

    private static async Task<(PeekedBody? Body, ProblemHttpResult? Problem)> ParseAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem("The request body must be JSON (Content-Type: application/json).",
                statusCode: StatusCodes.Status415UnsupportedMediaType, type: ProblemTypes.UnsupportedMediaType));
        }
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? DefaultLimit;
        if (request.ContentLength > limit)
        {
            return (null, TooLarge());
        }

        request.EnableBuffering(MemoryThreshold, limit);
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (new PeekedBody(null, 0, null), null);
            }
            var model = root.TryGetProperty("model", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            long? maxOutput = null;
            foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens", "max_output_tokens"])
            {
                if (root.TryGetProperty(name, out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt64(out var tokens) && tokens >= 0)
                {
                    maxOutput = tokens;
                    break;
                }
            }
            long characters = 0;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "model")
                {
                    characters += TextLength(property.Value, depth: 0);
                }
            }
            return (new PeekedBody(model, characters, maxOutput), null);
        }
        catch (JsonException)
        {
            return (null, JsonBody.Invalid("The request body is not valid JSON."));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The buffering stream's limit: the body is larger than the gateway accepts.
            return (null, TooLarge());
        }
        finally
        {
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0;
            }
        }
    }

    /// <summary>Characters of every string in a JSON value; deep documents count as large (they are rare and suspect).</summary>
    private static long TextLength(JsonElement element, int depth) => element.ValueKind switch
    {
        _ when depth > 64 => 0,
        JsonValueKind.String => element.GetString()!.Length,
        JsonValueKind.Array => element.EnumerateArray().Sum(e => TextLength(e, depth + 1)),
        JsonValueKind.Object => element.EnumerateObject().Sum(p => TextLength(p.Value, depth + 1)),
        _ => 0,
    };

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge, type: ProblemTypes.PayloadTooLarge);
}
