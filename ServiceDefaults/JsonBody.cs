using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AiAspire.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Microsoft.Extensions.Hosting;

/// <summary>Reads a JSON body so that every way it can be wrong becomes a 4xx problem, never a 500.</summary>
public static class JsonBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                "The request body must be JSON (Content-Type: application/json).",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                type: ProblemTypes.UnsupportedMediaType));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken);
            return value is null
                ? (null, Invalid("The request body must be a JSON object, not null."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is null ? "" : $" at {ex.Path}";
            return (null, Invalid($"The request body is not valid JSON for this endpoint{where}."));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TypedResults.Problem("The request body is too large.",
                statusCode: StatusCodes.Status413PayloadTooLarge, type: ProblemTypes.PayloadTooLarge));
        }
    }

    public static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: ProblemTypes.InvalidJson);

    public static ProblemHttpResult Validation(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: ProblemTypes.Validation);
}
