using Microsoft.AspNetCore.Http.Features;

namespace AiAspire.Gateway.Proxying;

/// <summary>
/// A body without a declared length (Transfer-Encoding: chunked) that runs over the body limit is refused with a 413
/// without cutting the connection under the client.
/// <para>
/// Left to Kestrel, the limit is enforced by closing the connection with the rest of the body unread. The kernel then
/// answers the client's next segment with a reset, and that reset can destroy the 413 before the client reads it: the
/// client sees a transport error instead of the refusal (CI saw exactly that, once in many runs).
/// </para>
/// <para>
/// Here the gateway enforces the limit on the body stream itself, and Kestrel's own cap sits <see cref="DrainAllowance"/>
/// above it. After the 413, Kestrel reads and discards the rest of the body, bounded by that cap and its drain timeout,
/// and the connection stays usable: the lingering close nginx does.
/// </para>
/// Everything that reads or sets the limit (per-route limits, the body peek) goes on using
/// <see cref="IHttpMaxRequestBodySizeFeature"/>, which this replaces for such requests. A declared Content-Length over
/// the limit is refused before any of the body is read, and is left alone.
/// </summary>
public static class ChunkedBodyLimit
{
    /// <summary>How much more than the limit a refused body may still send, to be read and discarded.</summary>
    public const long DrainAllowance = 4 * 1024 * 1024;

    public static IApplicationBuilder UseChunkedBodyLimit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.ContentLength is null
            && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true }
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false, MaxRequestBodySize: { } limit } server)
        {
            var enforced = new EnforcedLimit(server, limit);
            context.Features.Set<IHttpMaxRequestBodySizeFeature>(enforced);
            context.Request.Body = new LimitedBody(context.Request.Body, enforced);
        }
        return next(context);
    });

    /// <summary>The limit callers see and set; the server's own cap follows it, <see cref="DrainAllowance"/> higher.</summary>
    private sealed class EnforcedLimit : IHttpMaxRequestBodySizeFeature
    {
        private readonly IHttpMaxRequestBodySizeFeature _server;
        private long? _limit;

        public EnforcedLimit(IHttpMaxRequestBodySizeFeature server, long limit)
        {
            _server = server;
            MaxRequestBodySize = limit;
        }

        public bool IsReadOnly => _server.IsReadOnly;

        public long? MaxRequestBodySize
        {
            get => _limit;
            set
            {
                _server.MaxRequestBodySize = value is { } limit && limit <= long.MaxValue - DrainAllowance ? limit + DrainAllowance : null;
                _limit = value;
            }
        }
    }

    /// <summary>The request body, refused with Kestrel's own 413 exception once it has given more than the limit.</summary>
    private sealed class LimitedBody(Stream inner, EnforcedLimit limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ThrowIfOver();
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(Span<byte> buffer)
        {
            ThrowIfOver();
            return Count(inner.Read(buffer));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        private int Count(int read)
        {
            _read += read;
            ThrowIfOver();
            return read;
        }

        private void ThrowIfOver()
        {
            if (limit.MaxRequestBodySize is { } max && _read > max)
            {
                throw new BadHttpRequestException($"Request body too large. The max request body size is {max} bytes.",
                    StatusCodes.Status413PayloadTooLarge);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
