namespace AiAspire.Orchestrator.Pipeline;

/// <summary>One level of pipeline configuration; a null field leaves the less specific level's value in force.</summary>
public class PipelineProfile
{
    /// <summary>Step names in the order they run (replaces the whole list; it is not merged).</summary>
    public List<string>? Steps { get; set; }

    /// <summary>Collection searched when a request names none.</summary>
    public string? DefaultCollection { get; set; }

    public int? RetrieveTopK { get; set; }

    /// <summary>Chunks scoring below this are not put in the prompt.</summary>
    public double? RetrieveMinScore { get; set; }

    /// <summary>The prompt template: "id" (its newest version) or "id@version"; see <c>Templates</c>.</summary>
    public string? Template { get; set; }
}
