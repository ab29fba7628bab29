using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using AiAspire.Contracts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// What the gateway needs from an OpenAI-style JSON body before proxying it: the model and a token estimate. The body
/// is read once, never beyond the request body limit, and YARP sends on the same bytes unchanged: a body of declared
/// length up to 64 KB (nearly every chat request) from a pooled buffer, anything else buffered (in memory up to 64 KB,
/// then on disk) and rewound. One pass of a JSON reader checks it — malformed JSON and text that is not valid UTF-8
/// are a 400 — and measures it. Read once per request.
/// </summary>
public static class RequestBodyPeek
{
    private static readonly object ItemKey = new();

    public const long DefaultLimit = 10 * 1024 * 1024;
    private const int MemoryThreshold = 64 * 1024;

    // Of each name, the last definition counts (as JsonElement.TryGetProperty would find it); the first valid name wins.
    private static readonly byte[][] MaxOutputNames = ["max_completion_tokens"u8.ToArray(), "max_tokens"u8.ToArray(), "max_output_tokens"u8.ToArray()];

    public static async Task<(PeekedBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpContext context)
    {
        if (context.Items[ItemKey] is PeekedBody peeked)
        {
            return (peeked, null);
        }
        var (body, problem) = await ReadOnceAsync(context);
        context.Items[ItemKey] = body;
        return (body, problem);
    }

    private static async Task<(PeekedBody? Body, ProblemHttpResult? Problem)> ReadOnceAsync(HttpContext context)
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

        try
        {
            if (request.ContentLength is { } declared and <= MemoryThreshold)
            {
                var buffer = new PooledBody((int)declared);
                context.Response.RegisterForDispose(buffer);
                var length = await buffer.FillAsync(request.Body, context.RequestAborted);
                request.Body = new MemoryStream(buffer.Array, 0, length, writable: false);
                return Measure(buffer.Array.AsSpan(0, length));
            }

            request.EnableBuffering(MemoryThreshold, limit);
            try
            {
                using var copy = new MemoryStream();
                await request.Body.CopyToAsync(copy, context.RequestAborted);
                return Measure(copy.GetBuffer().AsSpan(0, (int)copy.Length));
            }
            finally
            {
                if (request.Body.CanSeek)
                {
                    request.Body.Position = 0;
                }
            }
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
    }

    /// <summary>One pass over the whole body: the model, the max output tokens and the characters of text besides the model.</summary>
    internal static (PeekedBody? Body, ProblemHttpResult? Problem) Measure(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }
        var reader = new Utf8JsonReader(json);
        char[]? scratch = null;
        try
        {
            if (!reader.Read())
            {
                return (null, Invalid());
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                // Not a request the gateway can measure, but its text is still checked.
                _ = Text(ref reader, ref scratch);
                return reader.Read() ? (null, Invalid()) : (new PeekedBody(null, 0, null), null);
            }

            string? model = null;
            Span<long> maxOutput = [-1, -1, -1];
            long characters = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                _ = Characters(ref reader, ref scratch);
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    _ = Text(ref reader, ref scratch);
                    continue;
                }
                var name = -1;
                for (var i = 0; i < MaxOutputNames.Length && name < 0; i++)
                {
                    name = reader.ValueTextEquals(MaxOutputNames[i]) ? i : -1;
                }
                reader.Read();
                if (name >= 0)
                {
                    maxOutput[name] = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var tokens) && tokens >= 0 ? tokens : -1;
                }
                characters += Text(ref reader, ref scratch);
            }
            if (reader.Read())
            {
                return (null, Invalid());
            }
            long? max = maxOutput[0] >= 0 ? maxOutput[0] : maxOutput[1] >= 0 ? maxOutput[1] : maxOutput[2] >= 0 ? maxOutput[2] : null;
            return (new PeekedBody(model, characters, max), null);
        }
        catch (JsonException)
        {
            return (null, Invalid());
        }
        catch (InvalidOperationException)
        {
            // Decoding a string failed: invalid UTF-8, or an escape of an unpaired surrogate.
            return (null, JsonBody.Invalid("The request body holds text that is not valid UTF-8 (or an unpaired surrogate escape)."));
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<char>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>The characters of every string in the value the reader is on, read to its end; property names are checked, not counted.</summary>
    private static long Text(ref Utf8JsonReader reader, ref char[]? scratch)
    {
        var characters = Characters(ref reader, ref scratch);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            var depth = reader.CurrentDepth;
            while (reader.Read() && reader.CurrentDepth > depth)
            {
                characters += Characters(ref reader, ref scratch);
            }
        }
        return characters;
    }

    /// <summary>
    /// The UTF-16 length of a string token (what <c>GetString()</c> would return, without allocating it), 0 for any
    /// other token; property names are decoded too, to check them. Text that cannot be decoded throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    private static long Characters(ref Utf8JsonReader reader, ref char[]? scratch)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            return 0;
        }
        int length;
        if (reader.ValueIsEscaped)
        {
            // Unescaped text is never longer (in UTF-16 code units) than its escaped bytes.
            if (scratch is null || scratch.Length < reader.ValueSpan.Length)
            {
                if (scratch is not null)
                {
                    ArrayPool<char>.Shared.Return(scratch);
                }
                scratch = ArrayPool<char>.Shared.Rent(Math.Max(reader.ValueSpan.Length, 256));
            }
            length = reader.CopyString(scratch);
        }
        else if (Utf8.IsValid(reader.ValueSpan))
        {
            length = Encoding.UTF8.GetCharCount(reader.ValueSpan);
        }
        else
        {
            throw new InvalidOperationException("The text is not valid UTF-8.");
        }
        return reader.TokenType == JsonTokenType.String ? length : 0;
    }

    private static ProblemHttpResult Invalid() => JsonBody.Invalid("The request body is not valid JSON.");

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge, type: ProblemTypes.PayloadTooLarge);

    /// <summary>A body's bytes in a pooled array, returned when the request is done (after YARP has sent them on).</summary>
    private sealed class PooledBody(int length) : IDisposable
    {
        public byte[] Array { get; private set; } = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));

        /// <summary>Reads the whole body; a body longer than it declared is the server's error to raise, not ours to truncate.</summary>
        public async Task<int> FillAsync(Stream body, CancellationToken cancellationToken)
        {
            var filled = 0;
            int read;
            while (filled < length && (read = await body.ReadAsync(Array.AsMemory(filled, length - filled), cancellationToken)) > 0)
            {
                filled += read;
            }
            return filled;
        }

        public void Dispose()
        {
            var array = Array;
            Array = [];
            if (array.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }
}
