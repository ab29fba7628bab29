using System.Buffers.Binary;
using System.Security.Cryptography;

namespace AiAspire.RagService.Stores;

/// <summary>
/// A file with a header (magic, format version, payload length, SHA-256 of the payload) written crash-safely: to a temporary
/// file, flushed to disk, then renamed over the previous one, so a crash leaves the old file or the new one, and a file
/// that does not check out is rejected whole.
/// </summary>
internal static class CheckedFile
{
    public const string TemporaryExtension = ".tmp";

    private const int MagicLength = 8;
    private const int HeaderLength = MagicLength + sizeof(int) + sizeof(long) + SHA256.HashSizeInBytes;

    public static void Write(string path, ReadOnlySpan<byte> magic, int version, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        header.Clear();
        magic[..Math.Min(magic.Length, MagicLength)].CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[MagicLength..], version);
        BinaryPrimitives.WriteInt64LittleEndian(header[(MagicLength + sizeof(int))..], payload.Length);
        SHA256.HashData(payload, header[(MagicLength + sizeof(int) + sizeof(long))..]);

        var temporary = path + TemporaryExtension;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            stream.Write(header);
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The payload (as a slice of the file's bytes).</summary>
    /// <exception cref="InvalidDataException">The file is not a complete, intact file of this magic and version.</exception>
    public static ArraySegment<byte> Read(string path, ReadOnlySpan<byte> magic, int version)
    {
        var bytes = File.ReadAllBytes(path);
        Span<byte> expected = stackalloc byte[MagicLength];
        expected.Clear();
        magic[..Math.Min(magic.Length, MagicLength)].CopyTo(expected);
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, MagicLength).SequenceEqual(expected))
        {
            throw new InvalidDataException($"{path} is not a file of this kind.");
        }
        var found = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(MagicLength));
        if (found != version)
        {
            throw new InvalidDataException($"{path} has format {found}; this build reads {version}.");
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(MagicLength + sizeof(int)));
        if (length != bytes.Length - HeaderLength)
        {
            throw new InvalidDataException($"{path} is truncated or padded: {bytes.Length - HeaderLength} payload bytes, header says {length}.");
        }
        var payload = new ArraySegment<byte>(bytes, HeaderLength, bytes.Length - HeaderLength);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(MagicLength + sizeof(int) + sizeof(long), SHA256.HashSizeInBytes)))
        {
            throw new InvalidDataException($"{path} fails its checksum.");
        }
        return payload;
    }
}
