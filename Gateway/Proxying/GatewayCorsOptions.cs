namespace AiAspire.Gateway.Proxying;

/// <summary>Gateway:Cors — the web UI origins allowed to call the gateway from a browser.</summary>
public sealed class GatewayCorsOptions
{
    public const string Section = "Gateway:Cors";

    public string[] Origins { get; set; } = [];
}
