namespace AiAspire.Contracts;

/// <summary>Stable <c>type</c> values of the platform's problem+json responses.</summary>
public static class ProblemTypes
{
    private const string Base = "https://aiaspire.dev/problems/";

    public const string InvalidJson = Base + "invalid-json";
    public const string Validation = Base + "validation";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string NotFound = Base + "not-found";
    public const string UnknownModel = Base + "unknown-model";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string Blocked = Base + "blocked-by-guardrail";
    public const string UpstreamFailed = Base + "upstream-failed";
    public const string Unavailable = Base + "unavailable";
    public const string Internal = Base + "internal";
}
