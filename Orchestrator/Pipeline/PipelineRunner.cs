using System.Diagnostics;
using AiAspire.Orchestrator.Caching;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Pipeline;

/// <summary>
/// Runs the steps configured for the request's tenant and route in order, a span and a latency figure each, until one
/// sets a problem, then what the steps registered for a whole non-streamed answer (<see cref="PipelineContext.WhenAnswered"/>). A reload that fails validation is logged and ignored: the last good pipeline keeps serving.
/// A repeated stateless request whose answer both guards already allowed is answered before any step runs, from
/// <see cref="CheckedAnswerCache"/>; a whole answer that qualifies is kept there after the last step.
/// </summary>
public sealed partial class PipelineRunner
{
    private readonly Dictionary<string, IPipelineStep> _steps;
    private readonly Dictionary<IPipelineStep, string> _spanNames;
    private readonly IOptionsMonitor<PipelineOptions> _options;
    private readonly CheckedAnswerCache _checkedAnswers;
    private readonly ILogger<PipelineRunner> _logger;
    private PipelineOptions _lastGood;
    private string? _lastError;

    public PipelineRunner(
        IEnumerable<IPipelineStep> steps, IOptionsMonitor<PipelineOptions> options, CheckedAnswerCache checkedAnswers, ILogger<PipelineRunner> logger)
    {
        _steps = steps.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        // Made once: a span name built per step and request would be garbage on every request.
        _spanNames = _steps.Values.ToDictionary(s => s, s => $"pipeline {s.Name}");
        _options = options;
        _checkedAnswers = checkedAnswers;
        _logger = logger;
        _lastGood = options.CurrentValue;
    }

    public PipelineSettings Resolve(string tenant, string? route) => Current().Resolve(tenant, route);

    public IReadOnlyList<IPipelineStep> StepsOf(PipelineSettings settings)
    {
        var configured = new List<IPipelineStep>(settings.Steps.Count);
        foreach (var name in settings.Steps)
        {
            configured.Add(_steps.TryGetValue(name, out var step)
                ? step
                : throw new InvalidOperationException($"The pipeline names '{name}', which is not a step. Known: {string.Join(", ", _steps.Keys)}."));
        }
        return configured;
    }

    public async Task RunAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        context.Settings = Resolve(context.Tenant, context.Request.Model);
        if (await TryCheckedAnswerAsync(context, cancellationToken))
        {
            return;
        }
        foreach (var step in StepsOf(context.Settings))
        {
            using var activity = OrchestratorTelemetry.ActivitySource.StartActivity(_spanNames[step]);
            activity?.SetTag("aiaspire.pipeline.step", step.Name);
            var started = Stopwatch.GetTimestamp();
            await step.ExecuteAsync(context, cancellationToken);
            context.StageLatencyMs[step.Name] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (context.Problem is not null)
            {
                activity?.SetStatus(ActivityStatusCode.Error, context.Problem.ProblemDetails.Title);
                return;
            }
        }
        // A streamed answer is whole only when its stream completes; its writer runs these then.
        if (context.Events is null)
        {
            await context.AnsweredAsync(cancellationToken);
            _checkedAnswers.Store(context);
        }
    }

    private async Task<bool> TryCheckedAnswerAsync(PipelineContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (!await _checkedAnswers.TryServeAsync(context, cancellationToken))
        {
            return false;
        }
        context.StageLatencyMs[CheckedAnswerCache.Stage] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return true;
    }

    private PipelineOptions Current()
    {
        try
        {
            return _lastGood = _options.CurrentValue;
        }
        catch (OptionsValidationException ex)
        {
            // Once per distinct error, not once per request.
            if (Interlocked.Exchange(ref _lastError, ex.Message) != ex.Message)
            {
                LogInvalidReload(ex.Message);
            }
            return _lastGood;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The reloaded pipeline configuration is invalid and was ignored: {Errors}")]
    private partial void LogInvalidReload(string errors);
}
