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
            // Buffered (within the server's body limit) so every string can be checked before binding: JsonElement
            // properties defer decoding, and invalid text would otherwise fail later, deep in a handler, as a 500.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            if (body.StartsWith("\uFEFF"u8))
            {
                body = body[3..];
            }
            if (FindUndecodableString(body) is { } where)
            {
                return (null, Invalid($"The request body holds text that is not valid UTF-8 (or an unpaired surrogate escape){where}."));
            }
            var value = JsonSerializer.Deserialize(body, typeInfo);
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

    /// <summary>Where the first string or property name that cannot be decoded starts (" (byte n)"), or null; malformed JSON is left to the deserializer.</summary>
    private static string? FindUndecodableString(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }
                if (reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
                else if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                {
                    return $" (byte {reader.TokenStartIndex})";
                }
            }
        }
        catch (InvalidOperationException)
        {
            return $" (byte {reader.TokenStartIndex})";
        }
        catch (JsonException)
        {
        }
        return null;
    }

    public static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: ProblemTypes.InvalidJson);

    public static ProblemHttpResult Validation(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: ProblemTypes.Validation);
}
