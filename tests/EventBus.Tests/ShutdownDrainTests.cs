using AiAspire.Contracts.Events;
using AiAspire.EventBus.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiAspire.EventBus.Tests;

/// <summary>A service that stops while the bus hangs keeps every event it published: what was not sent is spilled.</summary>
public sealed class ShutdownDrainTests : IDisposable
{
    private readonly string _spillPath = BusHost.NewSpillPath();

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // as StackExchange.Redis does: a connection error, not an OperationCanceledException
    public async Task BusHangingThroughTheShutdownDrain_EveryUnsentEventIsSpilled_InPublishOrder(bool failsWithConnectionError)
    {
        var transport = new HangingTransport(failsWithConnectionError);
        using (var host = Build(transport))
        {
            await host.StartAsync();
            var publisher = host.Services.GetRequiredService<IEventPublisher>();
            for (var i = 0; i < 5; i++)
            {
                Assert.True(publisher.Publish(SampleEvents.Inference("drain-" + i)));
            }
            await transport.Sending.WaitAsync(TimeSpan.FromSeconds(10));

            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(shutdown.Token);
        }

        Assert.True(transport.Attempts >= 2, "the drain tried the bus again after the loop was stopped");
        using var spill = SpillFile.Open(_spillPath);
        Assert.Equal(
            Enumerable.Range(0, 5).Select(i => "drain-" + i),
            spill.ReadBatch(100).Select(r => EventEnvelope.Decode<InferenceCompleted>(r.Message.Body).Event.RequestId));
    }

    public void Dispose()
    {
        if (Directory.Exists(_spillPath))
        {
            Directory.Delete(_spillPath, recursive: true);
        }
    }

    private IHost Build(IEventTransport transport)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "EventBus.Tests",
            EnvironmentName = Environments.Development,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Sends never time out on their own and never spill while running: only the shutdown drain ends them.
            ["EventBus:SendTimeout"] = "00:01:00",
            ["EventBus:SpillAfter"] = "00:01:00",
            ["EventBus:ShutdownDrainTime"] = "00:00:00.300",
            ["EventBus:SpillPath"] = _spillPath,
        });
        builder.AddEventBus();
        builder.Services.AddSingleton(transport);
        return builder.Build();
    }

    /// <summary>A bus that takes a send and never answers it; cancelled, it fails the way the configured client does.</summary>
    private sealed class HangingTransport(bool failsWithConnectionError) : IEventTransport
    {
        private readonly TaskCompletionSource _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _attempts;

        public Task Sending => _sending.Task;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken) => SendBatchAsync([message], cancellationToken);

        public async Task SendBatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            _sending.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) when (failsWithConnectionError)
            {
                throw new InvalidOperationException("The connection was lost while the command was queued.");
            }
        }
    }
}
