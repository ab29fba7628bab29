namespace AiAspire.AppHost.Extensions;

/// <summary>Where Redis, Kafka and Qdrant come from: <c>Infrastructure:Mode</c>.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when docker or podman answers, else local.</summary>
    Auto,

    /// <summary>Redis, Kafka and Qdrant as containers; always used when publishing.</summary>
    Containers,

    /// <summary>redis-server from PATH; the bus on Redis Streams; the embedded vector index.</summary>
    Local,
}
