using AiAspire.Contracts;
using AiAspire.Contracts.OpenAI;
using AiAspire.Contracts.Rag;

namespace AiAspire.Orchestrator.Clients;

/// <summary>RagService: retrieval of the tenant's documents.</summary>
public sealed class RagClient(HttpClient http) : ServiceClient(http, "ragservice")
{
    public Task<RetrieveResponse> RetrieveAsync(string tenant, RetrieveRequest request, CancellationToken cancellationToken) =>
        PostAsync("/v1/retrieve", tenant, request,
            ContractsJsonContext.Default.RetrieveRequest, ContractsJsonContext.Default.RetrieveResponse, cancellationToken, safeToRepeat: true);

    /// <summary>The embedding of one text and the name of the model that made it.</summary>
    public async Task<(float[] Vector, string Model)> EmbedAsync(string tenant, string text, CancellationToken cancellationToken)
    {
        var response = await PostAsync("/v1/embeddings", tenant, new EmbeddingsRequest(text),
            OpenAIJsonContext.Default.EmbeddingsRequest, OpenAIJsonContext.Default.EmbeddingsResponse, cancellationToken, safeToRepeat: true);
        return response.Data is [{ Embedding: { Length: > 0 } vector }, ..]
            ? (vector, response.Model ?? "")
            : throw new DownstreamException("ragservice", System.Net.HttpStatusCode.OK, "ragservice answered without an embedding.");
    }

    /// <summary>Forwards an OpenAI-format embeddings request as is and returns the raw response.</summary>
    public async Task<(int Status, string ContentType, byte[] Body)> ForwardEmbeddingsAsync(string tenant, Stream body, string? contentType, CancellationToken cancellationToken)
    {
        // Buffered: the resilience handler may send the request again, and the inbound body can be read only once.
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        using var request = Request(HttpMethod.Post, "/v1/embeddings", tenant).MarkSafeToRepeat();
        request.Content = new ByteArrayContent(buffer.ToArray());
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
        {
            throw new DownstreamException("ragservice", null, $"ragservice could not be reached: {ex.Message}", inner: ex);
        }
        using (response)
        {
            return ((int)response.StatusCode,
                response.Content.Headers.ContentType?.ToString() ?? "application/json",
                await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
    }
}
