using Microsoft.Extensions.Options;
using AiAspire.Orchestrator.Clients;

namespace AiAspire.Orchestrator.Budgets;

/// <summary>
/// The limits of each model and route, from the router's model list (cached for <see cref="TokenBudgetOptions.LimitsTtl"/>)
/// with configuration winning. When the router cannot be asked, the last list it gave stays in use.
/// </summary>
public sealed partial class ModelLimitsCatalog(
    IModelLimitsClient router, IOptionsMonitor<TokenBudgetOptions> options, TimeProvider clock, ILogger<ModelLimitsCatalog> logger)
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Cached? _cached;

    public async Task<ModelLimits> FindAsync(string tenant, string? model, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var name = string.IsNullOrEmpty(model) ? settings.DefaultRoute : model;
        var models = await ModelsAsync(tenant, settings, cancellationToken);
        models.TryGetValue(name, out var reported);
        settings.Models.TryGetValue(name, out var configured);
        return new ModelLimits(
            name,
            configured?.ContextWindow ?? reported?.ContextWindow,
            configured?.MaxOutputTokens ?? reported?.MaxOutputTokens,
            configured?.Encoding ?? TokenCounter.EncodingOf(reported?.Model) ?? TokenCounter.EncodingOf(name) ?? settings.DefaultEncoding);
    }

    private async Task<IReadOnlyDictionary<string, RouterModel>> ModelsAsync(string tenant, TokenBudgetOptions settings, CancellationToken cancellationToken)
    {
        if (_cached is { } fresh && clock.GetUtcNow() - fresh.At < settings.LimitsTtl)
        {
            return fresh.Models;
        }
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } refreshed && clock.GetUtcNow() - refreshed.At < settings.LimitsTtl)
            {
                return refreshed.Models;
            }
            var list = await router.ListAsync(tenant, cancellationToken);
            var models = new Dictionary<string, RouterModel>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in list)
            {
                models.TryAdd(entry.Id, entry);
            }
            _cached = new Cached(models, clock.GetUtcNow());
            return models;
        }
        catch (DownstreamException ex)
        {
            LogListFailed(ex, ex.Status);
            // Keep using the stale list; try again after a short pause rather than on every request.
            var stale = _cached?.Models ?? new Dictionary<string, RouterModel>();
            _cached = new Cached(stale, clock.GetUtcNow() - settings.LimitsTtl + TimeSpan.FromSeconds(Math.Min(5, settings.LimitsTtl.TotalSeconds)));
            return stale;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Cached(IReadOnlyDictionary<string, RouterModel> Models, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The router's model list could not be read ({Status}); using the last one known")]
    private partial void LogListFailed(Exception ex, System.Net.HttpStatusCode? status);
}
