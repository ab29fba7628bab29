namespace Microsoft.Extensions.Hosting;

/// <summary>Names of the platform's ActivitySources and Meters: one of each per service, <c>AiAspire.&lt;Service&gt;</c>.</summary>
public static class Telemetry
{
    public const string PlatformWildcard = "AiAspire.*";
    public const string ExtensionsAi = "Experimental.Microsoft.Extensions.AI";
}
