namespace AiAspire.RouterService.Routing;

public sealed class RouterOptions
{
    public const string Section = "Router";

    /// <summary>Longest wait for a whole answer (or a stream's first token) from one deployment before falling back.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
