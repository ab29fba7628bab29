namespace AiAspire.Contracts;

/// <summary>Header names shared by the gateway and the services behind it.</summary>
public static class AiAspireHeaders
{
    /// <summary>Tenant of the caller; set by the gateway from the API key, never trusted from outside.</summary>
    public const string Tenant = "x-aiaspire-tenant";

    /// <summary>Id of the API key that authenticated the call.</summary>
    public const string KeyId = "x-aiaspire-key-id";

    /// <summary>Space-separated scopes of the API key.</summary>
    public const string Scopes = "x-aiaspire-scopes";

    /// <summary>Every inbound header with this prefix is removed by the gateway before proxying.</summary>
    public const string InternalPrefix = "x-aiaspire-";

    public const string Route = "x-aiaspire-route";
    public const string Model = "x-aiaspire-model";
    public const string Cost = "x-aiaspire-cost";
    public const string Cache = "x-aiaspire-cache";
    public const string RequestId = "x-request-id";
}
