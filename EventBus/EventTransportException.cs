namespace AiAspire.EventBus;

/// <summary>A batch send failed part-way.</summary>
/// <param name="sent">How many leading messages of the batch the bus took.</param>
public sealed class EventTransportException(int sent, Exception innerException)
    : Exception($"The bus took {sent} message(s) of the batch before failing: {innerException.Message}", innerException)
{
    public int Sent { get; } = sent;
}
