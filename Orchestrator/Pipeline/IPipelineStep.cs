namespace AiAspire.Orchestrator.Pipeline;

/// <summary>
/// One stage of the prompt pipeline, chosen by name from configuration (<c>Pipeline:Steps</c>). A step reads and
/// writes the context; setting <see cref="PipelineContext.Problem"/> ends the run with that answer.
/// </summary>
public interface IPipelineStep
{
    string Name { get; }

    ValueTask ExecuteAsync(PipelineContext context, CancellationToken cancellationToken);
}
