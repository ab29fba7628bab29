using System.Diagnostics;
using AiAspire.Contracts.Events;

namespace AiAspire.EventBus.Tests;

/// <summary>Records every delivery in the inbox, touching nothing transport-specific, and fails when the inbox says so.</summary>
internal sealed class InboxHandler(Inbox inbox) : IEventHandler<InferenceCompleted>
{
    public Task HandleAsync(InferenceCompleted @event, EventContext context, CancellationToken cancellationToken)
    {
        var fails = inbox.Fails(@event);
        inbox.Record(new Delivery(@event, context, !fails, -1, Activity.Current?.Context));
        return fails
            ? Task.FromException(new InvalidOperationException($"Handler told to fail for {@event.RequestId}."))
            : Task.CompletedTask;
    }
}
