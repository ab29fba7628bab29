using System.Text.Json;
using AiAspire.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiAspire.RagService.Embeddings;

/// <summary>OpenAI-compatible <c>POST /v1/embeddings</c> on the configured model (the local MiniLM by default).</summary>
public static class EmbeddingsApi
{
    public static RouteGroupBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireTenant().WithTags("Embeddings");
        api.MapPost("/embeddings", CreateEmbeddings);
        return api;
    }

    public static async Task<Results<JsonHttpResult<EmbeddingResponse>, ProblemHttpResult>> CreateEmbeddings(
        HttpRequest request,
        IEmbeddingGenerator<string, Embedding<float>> generator,
        IOptionsMonitor<EmbeddingOptions> options,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, EmbeddingsJsonContext.Default.EmbeddingRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        var served = metadata?.DefaultModelId ?? MiniLmEmbeddingGenerator.ModelId;
        var configured = options.CurrentValue.Model;
        var model = body!.Model ?? served;
        var known = model == served
            || (served == MiniLmEmbeddingGenerator.ModelId ? MiniLmEmbeddingGenerator.IsKnownModel(model) : model == configured);
        if (!known)
        {
            return TypedResults.Problem($"Unknown embedding model '{model}': this service serves {served}.",
                statusCode: StatusCodes.Status400BadRequest, title: "Unknown model", type: ProblemTypes.UnknownModel);
        }
        if (body.Dimensions is { } dimensions && dimensions != metadata?.DefaultModelDimensions)
        {
            return JsonBody.Validation(metadata?.DefaultModelDimensions is { } fixedLength
                ? $"{served} produces {fixedLength} dimensions here; 'dimensions' cannot change that."
                : $"{served} produces its own length here; 'dimensions' cannot change that.");
        }
        var base64 = body.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => (bool?)null,
        };
        if (base64 is null)
        {
            return JsonBody.Validation("'encoding_format' must be \"float\" or \"base64\".");
        }

        var settings = options.CurrentValue;
        var (inputs, error) = ReadInputs(body.Input, settings);
        if (error is not null)
        {
            return JsonBody.Validation(error);
        }

        var embeddings = await generator.GenerateAsync(inputs!, cancellationToken: cancellationToken);
        var data = embeddings.Select((embedding, index) =>
            new EmbeddingData("embedding", index, new EmbeddingVector(embedding.Vector, base64.Value))).ToList();
        var tokens = embeddings.Usage?.InputTokenCount ?? 0;
        return TypedResults.Json(
            new EmbeddingResponse("list", data, served, new EmbeddingUsage(tokens, tokens)),
            EmbeddingsJsonContext.Default.EmbeddingResponse);
    }

    private static (List<string>? Inputs, string? Error) ReadInputs(JsonElement? input, EmbeddingOptions settings)
    {
        List<string> inputs;
        switch (input)
        {
            case { ValueKind: JsonValueKind.String } single:
                inputs = [single.GetString()!];
                break;
            case { ValueKind: JsonValueKind.Array } array:
                inputs = new List<string>(array.GetArrayLength());
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        return (null, "'input' must be a string or an array of strings; token arrays are not accepted.");
                    }
                    inputs.Add(item.GetString()!);
                }
                break;
            case null or { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                return (null, "'input' is required.");
            default:
                return (null, "'input' must be a string or an array of strings.");
        }

        if (inputs.Count == 0)
        {
            return (null, "'input' must not be an empty array.");
        }
        if (inputs.Count > settings.MaxInputs)
        {
            return (null, $"'input' holds {inputs.Count} items; at most {settings.MaxInputs} per request.");
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(inputs[i]))
            {
                return (null, $"'input[{i}]' is empty.");
            }
            if (inputs[i].Length > settings.MaxInputChars)
            {
                return (null, $"'input[{i}]' has {inputs[i].Length} characters; at most {settings.MaxInputChars}.");
            }
        }
        return (inputs, null);
    }
}
