namespace AiAspire.Contracts.Router;

/// <summary>Problem <c>type</c> values the router adds to <see cref="ProblemTypes"/>.</summary>
public static class RouterProblemTypes
{
    /// <summary>422: the model or route exists, but none of its deployments can serve this request (too long, needs tools, …).</summary>
    public const string UnservableRequest = "https://aiaspire.dev/problems/unservable-request";

    /// <summary>400: the routing strategy asked for (body or <see cref="RouterHeaders.Strategy"/>) is unknown.</summary>
    public const string UnknownStrategy = "https://aiaspire.dev/problems/unknown-strategy";
}
