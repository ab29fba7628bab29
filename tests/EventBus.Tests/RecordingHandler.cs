using System.Diagnostics;
using AiAspire.Contracts.Events;
using StackExchange.Redis;

namespace AiAspire.EventBus.Tests;

internal sealed class RecordingHandler(Inbox inbox, IConnectionMultiplexer redis, HandlerGroup group) : IEventHandler<InferenceCompleted>
{
    public async Task HandleAsync(InferenceCompleted @event, EventContext context, CancellationToken cancellationToken)
    {
        var pending = await redis.GetDatabase().StreamPendingAsync(InferenceCompleted.Topic, group.Name);
        var fails = inbox.Fails(@event);
        inbox.Record(new Delivery(@event, context, !fails, pending.PendingMessageCount, Activity.Current?.Context));
        if (fails)
        {
            throw new InvalidOperationException($"Handler told to fail for {@event.RequestId}.");
        }
    }
}

internal sealed record HandlerGroup(string Name);
