using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.Integration.Tests.Reliability;

/// <summary>
/// The console output of every service process as Aspire collects it (ResourceLoggerService: the backlog since the
/// process started, then each new line), kept while this object lives.
/// </summary>
internal sealed class ServiceLogs : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _lines = new(StringComparer.Ordinal);
    private readonly List<Task> _watches = [];

    private ServiceLogs(DistributedApplication app, IEnumerable<string> services)
    {
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var service in services)
        {
            // Watching the model's resource (not a name) covers each of its replicas, which log under their own names.
            var resource = model.Resources.Single(r => r.Name == service);
            _watches.Add(WatchAsync(loggers, resource, _lines.GetOrAdd(service, _ => new ConcurrentQueue<string>()), _stop.Token));
        }
    }

    public static ServiceLogs Watch(PlatformFixture platform, IEnumerable<string> services) => new(platform.App, services);

    /// <summary>Every line collected so far, per service.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lines =>
        _lines.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value], StringComparer.Ordinal);

    public bool AnyLineContains(string service, string text) =>
        _lines.TryGetValue(service, out var lines) && lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    private static async Task WatchAsync(ResourceLoggerService loggers, IResource resource, ConcurrentQueue<string> into, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    into.Enqueue(line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watches);
        _stop.Dispose();
    }
}
