using System.Net;

namespace AiAspire.TestKit;

/// <summary>
/// A body sent with Transfer-Encoding: chunked (no Content-Length), as a streaming client sends one, written
/// <paramref name="chunkSize"/> bytes at a time.
/// </summary>
public sealed class ChunkedContent(byte[] body, int chunkSize = 64 * 1024) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            await stream.WriteAsync(body.AsMemory(offset, Math.Min(chunkSize, body.Length - offset)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
