using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Pipeline;

/// <summary>Runs the configured steps in order, a span and a latency figure each, until one sets a problem.</summary>
public sealed class PipelineRunner(IEnumerable<IPipelineStep> steps, IOptionsMonitor<PipelineOptions> options)
{
    private readonly Dictionary<string, IPipelineStep> _steps = steps.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<IPipelineStep> ConfiguredSteps()
    {
        var names = options.CurrentValue.Steps;
        var configured = new List<IPipelineStep>(names.Count);
        foreach (var name in names)
        {
            configured.Add(_steps.TryGetValue(name, out var step)
                ? step
                : throw new InvalidOperationException($"Pipeline:Steps names '{name}', which is not a step. Known: {string.Join(", ", _steps.Keys)}."));
        }
        return configured;
    }

    public async Task RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        foreach (var step in ConfiguredSteps())
        {
            using var activity = OrchestratorTelemetry.ActivitySource.StartActivity($"pipeline {step.Name}");
            var started = Stopwatch.GetTimestamp();
            await step.ExecuteAsync(context, cancellationToken);
            context.StageLatencyMs[step.Name] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (context.Problem is not null)
            {
                activity?.SetStatus(ActivityStatusCode.Error, context.Problem.ProblemDetails.Title);
                return;
            }
        }
    }
}
