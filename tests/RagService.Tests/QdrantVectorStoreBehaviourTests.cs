using AiAspire.RagService.Stores;
using AiAspire.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;

namespace AiAspire.RagService.Tests;

/// <summary>
/// The shared behaviour against a real Qdrant: set QDRANT_ENDPOINT (gRPC, e.g. http://127.0.0.1:6334) and, if the server has
/// one, QDRANT_API_KEY. Without them every test here is reported skipped. Data goes to collections named aiaspire_behaviour-test-model.
/// </summary>
[RequiresEnvironment(EndpointVariable)]
public sealed class QdrantVectorStoreBehaviourTests : VectorStoreBehaviour, IDisposable
{
    public const string EndpointVariable = "QDRANT_ENDPOINT";

    private readonly QdrantClient _client;

    public QdrantVectorStoreBehaviourTests()
    {
        var key = Environment.GetEnvironmentVariable("QDRANT_API_KEY");
        var connection = QdrantConnection.Parse($"Endpoint={Environment.GetEnvironmentVariable(EndpointVariable)}" + (string.IsNullOrEmpty(key) ? "" : $";Key={key}"));
        _client = new QdrantClient(connection.Endpoint, connection.ApiKey);
        Store = new QdrantVectorStore(_client, NullLogger<QdrantVectorStore>.Instance);
    }

    protected override IVectorStore Store { get; }

    public void Dispose() => _client.Dispose();
}
