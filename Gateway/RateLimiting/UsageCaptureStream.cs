namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Passes the proxied response through untouched while reading the usage it reports: a JSON body's <c>usage</c> (the
/// body's head is kept, up to <see cref="HeadLimit"/>), or, in an event stream, each line as it passes — an OpenAI
/// usage chunk, the orchestrator's <c>: aiaspire-usage {…}</c> comment with tokens and cost, and the <c>done</c> event
/// ending its <c>/api/chat</c> stream. Of a stream only the
/// line being written is held (up to <see cref="MaxLineLength"/>), so nothing is buffered or delayed.
/// </summary>
public sealed class UsageCaptureStream(Stream inner, HttpResponse response, bool captureJson) : Stream
{
    public const int HeadLimit = 256 * 1024;
    public const int MaxLineLength = 64 * 1024;

    private static readonly byte[] DataField = "data:"u8.ToArray();
    private static readonly byte[] EventField = "event:"u8.ToArray();
    private static readonly byte[] DoneEvent = "done"u8.ToArray();
    private static readonly byte[] UsageComment = ": aiaspire-usage "u8.ToArray();
    private static readonly byte[] UsageProperty = "\"usage\""u8.ToArray();
    private static readonly byte[] DoneMarker = "[DONE]"u8.ToArray();

    private Mode _mode;
    private MemoryStream? _head;
    private long _written;
    private byte[]? _line;
    private int _lineLength;
    private bool _lineTooLong;
    private long? _streamTokens;
    private bool _inDoneEvent;

    private enum Mode
    {
        Unknown,
        Json,
        EventStream,
        Other,
    }

    /// <summary>The cost (USD) an event stream reported; null when it reported none (yet).</summary>
    public decimal? StreamCostUsd { get; private set; }

    /// <summary>Whether an event stream reached its end: <c>data: [DONE]</c>, or /api/chat's <c>done</c> event.</summary>
    public bool StreamCompleted { get; private set; }

    public bool IsEventStream => _mode == Mode.EventStream;

    /// <summary>The total tokens the response reported; null when it reported none.</summary>
    public long? TotalTokens() => _mode switch
    {
        Mode.EventStream => _streamTokens,
        Mode.Json when _head is not null && _written <= HeadLimit => ResponseUsage.FromJson(_head.GetBuffer().AsSpan(0, (int)_head.Length)),
        _ => null,
    };

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Capture(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Capture(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    private void Capture(ReadOnlySpan<byte> bytes)
    {
        if (_mode == Mode.Unknown)
        {
            // Headers are sent with the first write: the content type is known by now.
            var contentType = response.ContentType;
            _mode = contentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true ? Mode.EventStream
                : captureJson && contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true ? Mode.Json
                : Mode.Other;
        }
        if (_mode == Mode.EventStream)
        {
            Scan(bytes);
        }
        else if (_mode == Mode.Json && _written < HeadLimit)
        {
            _head ??= new MemoryStream();
            _head.Write(bytes[..(int)Math.Min(bytes.Length, HeadLimit - _written)]);
        }
        _written += bytes.Length;
    }

    private void Scan(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var newline = bytes.IndexOf((byte)'\n');
            var part = newline < 0 ? bytes : bytes[..newline];
            if (_lineLength == 0 && !_lineTooLong && newline >= 0)
            {
                Line(part);
            }
            else if (!_lineTooLong)
            {
                if (_lineLength + part.Length > MaxLineLength)
                {
                    // Usage lines are short: a line this long is content, skipped to its end.
                    _lineTooLong = true;
                    _lineLength = 0;
                }
                else
                {
                    if (_line is null || _line.Length < _lineLength + part.Length)
                    {
                        Array.Resize(ref _line, Math.Min(MaxLineLength, Math.Max(4096, (_lineLength + part.Length) * 2)));
                    }
                    part.CopyTo(_line.AsSpan(_lineLength));
                    _lineLength += part.Length;
                    if (newline >= 0)
                    {
                        Line(_line.AsSpan(0, _lineLength));
                    }
                }
            }
            if (newline < 0)
            {
                return;
            }
            _lineLength = 0;
            _lineTooLong = false;
            bytes = bytes[(newline + 1)..];
        }
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        if (line.EndsWith((byte)'\r'))
        {
            line = line[..^1];
        }
        if (line.IsEmpty)
        {
            // A blank line ends an event; the next one names its own type.
            _inDoneEvent = false;
        }
        else if (line.StartsWith(EventField))
        {
            _inDoneEvent = line[EventField.Length..].Trim((byte)' ').SequenceEqual(DoneEvent);
        }
        else if (line.StartsWith(DataField))
        {
            var data = line[DataField.Length..].Trim((byte)' ');
            if (_inDoneEvent)
            {
                // /api/chat's last event: {"promptTokens":…,"completionTokens":…,"costUsd":…,…}.
                var (doneTokens, doneCost) = ResponseUsage.TokensAndCost(data);
                _streamTokens = doneTokens ?? _streamTokens;
                StreamCostUsd = doneCost ?? StreamCostUsd;
                StreamCompleted = true;
            }
            else if (data.SequenceEqual(DoneMarker))
            {
                StreamCompleted = true;
            }
            else if (data.IndexOf(UsageProperty) >= 0 && ResponseUsage.FromJson(data) is { } tokens)
            {
                _streamTokens = tokens;
            }
        }
        else if (line.StartsWith(UsageComment))
        {
            var (tokens, cost) = ResponseUsage.TokensAndCost(line[UsageComment.Length..]);
            _streamTokens = tokens ?? _streamTokens;
            StreamCostUsd = cost ?? StreamCostUsd;
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
