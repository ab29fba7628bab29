namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Passes the proxied response through untouched, keeping its head (a JSON body) and its tail (the last events of
/// a stream, where OpenAI puts the usage chunk) so the gateway can read the actual token usage afterwards.
/// </summary>
public sealed class UsageCaptureStream(Stream inner) : Stream
{
    public const int HeadLimit = 256 * 1024;
    public const int TailLimit = 16 * 1024;

    private readonly MemoryStream _head = new();
    private readonly byte[] _tail = new byte[TailLimit];
    private long _written;

    public long Written => _written;

    public bool HeadIsWhole => _written <= HeadLimit;

    public ReadOnlySpan<byte> Head => _head.GetBuffer().AsSpan(0, (int)_head.Length);

    /// <summary>The last bytes written, oldest first.</summary>
    public byte[] Tail()
    {
        var length = (int)Math.Min(_written, TailLimit);
        var result = new byte[length];
        var start = (int)((_written - length) % TailLimit);
        var first = Math.Min(length, TailLimit - start);
        _tail.AsSpan(start, first).CopyTo(result);
        _tail.AsSpan(0, length - first).CopyTo(result.AsSpan(first));
        return result;
    }

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
        if (_head.Length < HeadLimit)
        {
            _head.Write(bytes[..(int)Math.Min(bytes.Length, HeadLimit - _head.Length)]);
        }
        var tailBytes = bytes.Length > TailLimit ? bytes[^TailLimit..] : bytes;
        var skipped = bytes.Length - tailBytes.Length;
        var position = (int)((_written + skipped) % TailLimit);
        var first = Math.Min(tailBytes.Length, TailLimit - position);
        tailBytes[..first].CopyTo(_tail.AsSpan(position));
        tailBytes[first..].CopyTo(_tail);
        _written += bytes.Length;
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
