using System.Threading.Channels;

namespace AiAspire.EventBus.Publishing;

/// <summary>
/// The publisher's ordered send buffer: a bounded in-memory channel, the batch the send loop has in flight, and the
/// spill file. Invariant: every spilled message is older than every message still in the channel, so replaying the
/// file and then draining the channel keeps publish order. Whatever does not fit in memory goes to disk, never away.
/// </summary>
internal sealed class OutboundQueue : IDisposable
{
    private readonly Channel<OutgoingMessage> _channel;
    private readonly SpillFile _spill;
    private readonly Lock _gate = new();
    private readonly List<OutgoingMessage> _inFlight = [];
    private bool _inFlightSpilled;

    public OutboundQueue(int capacity, SpillFile spill)
    {
        _channel = Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false, // an overflowing publisher drains it into the spill file
        });
        _spill = spill;
    }

    public SpillFile Spill => _spill;

    public ChannelReader<OutgoingMessage> Reader => _channel.Reader;

    /// <summary>Messages waiting in memory.</summary>
    public int Buffered => _channel.Reader.Count;

    /// <summary>Messages in memory, in flight or buffered, that neither reached the bus nor the spill file.</summary>
    public int Unsent
    {
        get
        {
            lock (_gate)
            {
                return _channel.Reader.Count + (_inFlightSpilled ? 0 : _inFlight.Count);
            }
        }
    }

    /// <summary>Queues the message in memory, or, when the buffer is full, spills the buffer and the message to disk.</summary>
    /// <returns>Whether the message was spilled.</returns>
    /// <exception cref="IOException">The buffer was full and the spill file could not be written.</exception>
    public bool Enqueue(OutgoingMessage message)
    {
        if (_channel.Writer.TryWrite(message))
        {
            return false;
        }
        lock (_gate)
        {
            if (_channel.Writer.TryWrite(message))
            {
                return false;
            }
            // The batch in flight is older than the buffer, so it goes first; if its send still succeeds,
            // replay sends it twice, and consumers dedupe by id.
            SpillLocked(includeInFlight: true, message);
            return true;
        }
    }

    /// <summary>Takes the next batch to send straight to the bus, unless the spill file must be replayed first.</summary>
    /// <returns>A copy of the batch in flight (what was left of the last one first), or empty.</returns>
    public IReadOnlyList<OutgoingMessage> TakeInFlight(int max)
    {
        lock (_gate)
        {
            if (_inFlightSpilled)
            {
                _inFlight.Clear();
                _inFlightSpilled = false;
            }
            if (_spill.HasUnsent)
            {
                return [];
            }
            while (_inFlight.Count < max && _channel.Reader.TryRead(out var message))
            {
                _inFlight.Add(message);
            }
            return [.. _inFlight];
        }
    }

    /// <summary>The first <paramref name="count"/> messages in flight reached the bus.</summary>
    public void MarkSent(int count)
    {
        lock (_gate)
        {
            if (!_inFlightSpilled)
            {
                _inFlight.RemoveRange(0, Math.Min(count, _inFlight.Count));
            }
        }
    }

    /// <summary>The bus keeps failing: moves what is in flight, then the whole buffer, to disk.</summary>
    /// <returns>How many messages were spilled.</returns>
    /// <exception cref="IOException">The disk failed too: everything stays in memory.</exception>
    public int SpillInFlightAndBuffer()
    {
        lock (_gate)
        {
            return SpillLocked(includeInFlight: true, last: null);
        }
    }

    /// <summary>While replay is stalled, keeps the memory buffer empty by moving it behind the spilled messages.</summary>
    /// <exception cref="IOException">The disk failed too: the buffer stays in memory.</exception>
    public int SpillBuffer()
    {
        lock (_gate)
        {
            return SpillLocked(includeInFlight: false, last: null);
        }
    }

    /// <summary>Empties the spill file if replay has reached its end; the buffer is sent directly from then on.</summary>
    public bool TryFinishReplay()
    {
        lock (_gate)
        {
            if (_spill.HasUnsent)
            {
                return false;
            }
            if (_spill.Length > 0)
            {
                _spill.Reset();
            }
            return true;
        }
    }

    /// <summary>Refuses further messages into memory: from now on publishing goes straight to the spill file.</summary>
    public void CompleteBuffer() => _channel.Writer.TryComplete();

    public void Dispose() => _spill.Dispose();

    private int SpillLocked(bool includeInFlight, OutgoingMessage? last)
    {
        var batch = new List<OutgoingMessage>(_channel.Reader.Count + _inFlight.Count + 1);
        var spillsInFlight = includeInFlight && !_inFlightSpilled && _inFlight.Count > 0;
        if (spillsInFlight)
        {
            batch.AddRange(_inFlight);
        }
        var drainedFrom = batch.Count;
        while (_channel.Reader.TryRead(out var buffered))
        {
            batch.Add(buffered);
        }
        var drainedTo = batch.Count;
        if (last is not null)
        {
            batch.Add(last);
        }
        try
        {
            _spill.Append(batch);
        }
        catch (IOException)
        {
            // Put the buffer back in order; only what publishers squeezed in meanwhile can push some of it out.
            var lost = 0;
            for (var i = drainedFrom; i < drainedTo; i++)
            {
                if (!_channel.Writer.TryWrite(batch[i]))
                {
                    lost++;
                }
            }
            if (lost > 0)
            {
                EventBusTelemetry.Dropped.Add(lost);
            }
            throw;
        }
        _inFlightSpilled |= spillsInFlight;
        EventBusTelemetry.Spilled.Add(batch.Count);
        return batch.Count;
    }
}
