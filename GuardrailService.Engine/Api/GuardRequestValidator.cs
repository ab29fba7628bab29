using System.Globalization;
using AiAspire.Contracts.Guard;
using AiAspire.GuardrailService.Output;

namespace AiAspire.GuardrailService.Api;

/// <summary>What a guard request must satisfy before it is scanned; each method returns a problem detail or null.</summary>
internal static class GuardRequestValidator
{
    public static string? Validate(GuardInputRequest request, GuardLimitsOptions limits)
    {
        if (request.Messages is null or { Count: 0 })
        {
            return "'messages' must contain at least one message.";
        }
        if (request.Messages.Count > limits.MaxMessages)
        {
            return Invariant($"'messages' has {request.Messages.Count} messages; at most {limits.MaxMessages} are accepted.");
        }

        long characters = 0;
        for (var index = 0; index < request.Messages.Count; index++)
        {
            var message = request.Messages[index];
            if (message is null)
            {
                return Invariant($"'messages[{index}]' must be an object, not null.");
            }
            if (message.Role is null)
            {
                return Invariant($"'messages[{index}].role' is required.");
            }
            if (message.Content is null)
            {
                return Invariant($"'messages[{index}].content' is required (use \"\" for an empty message).");
            }
            characters += message.Content.Length;
        }
        return characters > limits.MaxCharacters
            ? Invariant($"The messages hold {characters} characters; at most {limits.MaxCharacters} are accepted.")
            : null;
    }

    public static string? Validate(GuardOutputRequest request, GuardLimitsOptions limits)
    {
        if (request.Text is null)
        {
            return "'text' is required.";
        }
        if (request.StreamId is { } streamId && !IsStreamId(streamId))
        {
            return "'streamId' must be 1 to 128 letters, digits, '-', '_', '.' or ':'.";
        }
        if (request.Final && request.StreamId is null)
        {
            return "'final' marks the last window of a stream and needs 'streamId'.";
        }
        if (request.StreamId is not null && request.Schema is not null)
        {
            return "'schema' applies to a whole answer, not to a stream window: check the assembled answer without 'streamId'.";
        }
        if (request.Schema is { } schema && JsonSchemaCheck.Problem(schema) is { } invalidSchema)
        {
            return invalidSchema;
        }
        var characters = (long)request.Text.Length + (request.SystemPrompt?.Length ?? 0);
        return characters > limits.MaxCharacters
            ? Invariant($"'text' and 'systemPrompt' hold {characters} characters; at most {limits.MaxCharacters} are accepted.")
            : null;
    }

    public static string? Validate(GuardDocumentsRequest request, GuardLimitsOptions limits)
    {
        if (request.Documents is null or { Count: 0 })
        {
            return "'documents' must contain at least one document.";
        }
        if (request.Documents.Count > limits.MaxMessages)
        {
            return Invariant($"'documents' has {request.Documents.Count} documents; at most {limits.MaxMessages} are accepted.");
        }
        long characters = 0;
        for (var index = 0; index < request.Documents.Count; index++)
        {
            var document = request.Documents[index];
            if (document is null)
            {
                return Invariant($"'documents[{index}]' must be an object, not null.");
            }
            if (document.Text is null)
            {
                return Invariant($"'documents[{index}].text' is required.");
            }
            characters += document.Text.Length;
        }
        return characters > limits.MaxCharacters
            ? Invariant($"The documents hold {characters} characters; at most {limits.MaxCharacters} are accepted.")
            : null;
    }

    private static bool IsStreamId(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
