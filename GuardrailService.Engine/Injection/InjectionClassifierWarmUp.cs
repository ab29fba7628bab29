using Microsoft.Extensions.Options;

namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// At start: refuses to start when the classifier is on but its weights are missing or do not fit the embedder, and
/// loads the embedding model in the background so that the first uncertain prompt does not wait for it.
/// </summary>
public sealed partial class InjectionClassifierWarmUp(
    InjectionScorer scorer, ITextEmbedder embedder, IOptionsMonitor<InjectionClassifierOptions> options, ILogger<InjectionClassifierWarmUp> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Mode == InjectionClassifierMode.Off)
        {
            return Task.CompletedTask;
        }
        _ = scorer.Model;
        _ = Task.Run(() =>
        {
            try
            {
                embedder.Embed(["warm up"], cancellationToken);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogWarmUpFailed(ex);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the embedding model for the injection classifier failed; it will be retried on first use")]
    private partial void LogWarmUpFailed(Exception ex);
}
