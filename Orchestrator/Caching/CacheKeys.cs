using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// Builds cache keys of the form <c>prefix{tenant}:sha256-hex</c> from canonical JSON without a buffer per call: the
/// JSON is written into a buffer and writer kept per thread (writing is synchronous, so no other call can interleave),
/// hashed in place, and the key is the only string made.
/// </summary>
internal static class CacheKeys
{
    /// <summary>A buffer grown past this by an unusually large request is dropped rather than kept by its thread.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <param name="write">Writes the canonical JSON; static, with its inputs in <paramref name="state"/>.</param>
    public static string Of<TState>(string prefix, string tenant, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var json = t_writer;
        if (json is null)
        {
            t_writer = json = new Utf8JsonWriter(buffer);
        }
        else
        {
            json.Reset(buffer);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        try
        {
            write(json, state);
            json.Flush();
            SHA256.HashData(buffer.WrittenSpan, hash);
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity > KeptBufferBytes)
            {
                t_buffer = null;
                t_writer = null;
            }
        }

        var escapedTenant = Uri.EscapeDataString(tenant);
        var length = prefix.Length + escapedTenant.Length + 3 + 2 * SHA256.HashSizeInBytes;
        char[]? rented = null;
        Span<char> key = length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(length));
        prefix.CopyTo(key);
        var at = prefix.Length;
        key[at++] = '{';
        escapedTenant.CopyTo(key[at..]);
        at += escapedTenant.Length;
        key[at++] = '}';
        key[at++] = ':';
        Convert.TryToHexStringLower(hash, key[at..], out _);
        var result = new string(key[..length]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
        return result;
    }
}
