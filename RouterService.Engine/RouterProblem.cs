using AiAspire.Contracts;
using AiAspire.Contracts.Router;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AiAspire.RouterService.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace AiAspire.RouterService;

/// <summary>
/// Why the router refused a request, as every host of the engine reports it: RouterService writes it as
/// problem+json, the co-located orchestrator raises it as the same status and body.
/// </summary>
/// <param name="Title">Null for the status code's reason phrase.</param>
/// <param name="Attempts">The calls made before giving up (the <c>attempts</c> extension), for routing failures.</param>
public sealed record RouterProblem(int Status, string Type, string? Title, string Detail, IReadOnlyList<RouteAttempt>? Attempts = null)
{
    public static RouterProblem Validation(string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Invalid request", detail);

    /// <summary>An unknown model is the caller's 404, an unknown strategy 400, an unservable request 422; the rest is a 502.</summary>
    public static RouterProblem Of(RoutingException ex)
    {
        var (status, type) = ex.Failure switch
        {
            RoutingFailure.UnknownModel => (StatusCodes.Status404NotFound, ProblemTypes.UnknownModel),
            RoutingFailure.UnknownStrategy => (StatusCodes.Status400BadRequest, RouterProblemTypes.UnknownStrategy),
            RoutingFailure.Unservable => (StatusCodes.Status422UnprocessableEntity, RouterProblemTypes.UnservableRequest),
            _ => (StatusCodes.Status502BadGateway, ProblemTypes.UpstreamFailed),
        };
        return new RouterProblem(status, type, null, ex.Message, ex.Attempts);
    }

    /// <summary>
    /// The problem+json body RouterService writes for it (type, title, status, detail, attempts), for a host that
    /// hands the problem on without HTTP.
    /// </summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", Type);
            writer.WriteString("title", Title ?? ReasonPhrases.GetReasonPhrase(Status));
            writer.WriteNumber("status", Status);
            writer.WriteString("detail", Detail);
            if (Attempts is not null)
            {
                writer.WritePropertyName("attempts");
                JsonSerializer.Serialize(writer, Attempts, AttemptsType);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly JsonTypeInfo<IReadOnlyList<RouteAttempt>> AttemptsType =
        (JsonTypeInfo<IReadOnlyList<RouteAttempt>>)ContractsJsonContext.Default.GetTypeInfo(typeof(IReadOnlyList<RouteAttempt>))!;
}
