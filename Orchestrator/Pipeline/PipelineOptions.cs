namespace AiAspire.Orchestrator.Pipeline;

public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Step names in the order they run.</summary>
    public List<string> Steps { get; set; } = ["validate", "guard-input", "retrieve", "infer", "guard-output"];

    /// <summary>Collection searched when a request names none.</summary>
    public string DefaultCollection { get; set; } = "default";

    public int RetrieveTopK { get; set; } = 4;

    /// <summary>Chunks scoring below this are not put in the prompt.</summary>
    public double RetrieveMinScore { get; set; } = 0.25;

    public int MaxMessages { get; set; } = 256;

    public int MaxCharacters { get; set; } = 512_000;
}
