namespace AiAspire.Contracts.Router;

public static class RouterHeaders
{
    /// <summary>Overrides the route's routing strategy for one request (when the body names none).</summary>
    public const string Strategy = "x-route-strategy";
}
