using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace AiAspire.RagService.Stores;

/// <summary>
/// One tenant's snapshot: "AIAVEC" magic, format version, payload length, SHA-256 of the payload, payload.
/// Written to a temporary file, flushed to disk, then renamed over the previous snapshot, so a crash leaves either
/// the old file or the new one; a file that does not check out is rejected whole. From format 2 the payload names the last
/// write-ahead log segment it includes (see <see cref="WriteAheadLog"/>), so a restart replays only the later ones.
/// </summary>
internal static class SnapshotFile
{
    public const string Extension = ".vec";
    public const string TemporaryExtension = ".tmp";

    private const int Version = 2;
    private const int HeaderLength = 6 + sizeof(int) + sizeof(long) + SHA256.HashSizeInBytes;
    private static ReadOnlySpan<byte> Magic => "AIAVEC"u8;

    public static string TemporaryPathFor(string path) => path + TemporaryExtension;

    /// <param name="logSequence">The last log segment whose records <paramref name="index"/> includes.</param>
    public static void Write(string path, string tenant, TenantIndex index, long logSequence)
    {
        var payload = Serialize(tenant, index, logSequence);
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[6..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(header[10..], payload.Length);
        SHA256.HashData(payload, header[18..]);

        var temporary = TemporaryPathFor(path);
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            stream.Write(header);
            stream.Write(payload);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <exception cref="InvalidDataException">The file is not a complete, intact snapshot.</exception>
    public static (string Tenant, long LogSequence, List<DocumentEntry> Documents) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < HeaderLength || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a vector snapshot.");
        }
        var version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(6));
        if (version is < 1 or > Version)
        {
            throw new InvalidDataException($"{path} has snapshot format {version}; this build reads 1 to {Version}.");
        }
        var length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(10));
        if (length != bytes.Length - HeaderLength)
        {
            throw new InvalidDataException($"{path} is truncated or padded: {bytes.Length - HeaderLength} payload bytes, header says {length}.");
        }
        var payload = bytes.AsSpan(HeaderLength);
        if (!SHA256.HashData(payload).AsSpan().SequenceEqual(bytes.AsSpan(18, SHA256.HashSizeInBytes)))
        {
            throw new InvalidDataException($"{path} fails its checksum.");
        }

        try
        {
            return Deserialize(bytes, HeaderLength, version);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path} has a malformed payload.", ex);
        }
    }

    private static byte[] Serialize(string tenant, TenantIndex index, long logSequence)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(tenant);
            writer.Write(logSequence);
            writer.Write(index.Documents.Count);
            foreach (var entry in index.Documents.Values.OrderBy(d => d.Document.Id, StringComparer.Ordinal))
            {
                WriteDocument(writer, entry);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A document with its chunks and vectors, as snapshots and log records hold it.</summary>
    public static void WriteDocument(BinaryWriter writer, DocumentEntry entry)
    {
        var document = entry.Document;
        writer.Write(document.Id);
        writer.Write(document.Collection);
        writer.Write(document.Source);
        writer.Write(document.ContentType);
        writer.Write(document.ContentHash);
        writer.Write(document.EmbeddingModel);
        writer.Write(document.IngestedAt.UtcTicks);
        writer.Write(document.Metadata?.Count ?? -1);
        foreach (var (key, value) in document.Metadata ?? ImmutableDictionary<string, string>.Empty)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(entry.Chunks.Length);
        writer.Write(entry.Dimensions);
        foreach (var chunk in entry.Chunks)
        {
            writer.Write(chunk.ChunkId);
            writer.Write(chunk.Index);
            writer.Write(chunk.Text);
            writer.Write(chunk.HeadingPath is not null);
            if (chunk.HeadingPath is not null)
            {
                writer.Write(chunk.HeadingPath);
            }
            writer.Write(chunk.Start);
            writer.Write(chunk.End);
            WriteFloats(writer, chunk.Vector.Span);
        }
    }

    private static (string Tenant, long LogSequence, List<DocumentEntry> Documents) Deserialize(byte[] bytes, int offset, int version)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, offset, bytes.Length - offset, writable: false), Encoding.UTF8);
        var tenant = reader.ReadString();
        var logSequence = version >= 2 ? reader.ReadInt64() : 0;
        var count = NonNegative(reader.ReadInt32());
        var documents = new List<DocumentEntry>(Math.Min(count, 1 << 16));
        for (var d = 0; d < count; d++)
        {
            documents.Add(ReadDocument(reader, tenant));
        }
        if (reader.BaseStream.Position != reader.BaseStream.Length)
        {
            throw new FormatException("Bytes left over after the last document.");
        }
        return (tenant, logSequence, documents);
    }

    /// <exception cref="EndOfStreamException">The bytes end inside the document.</exception>
    /// <exception cref="FormatException">A count is negative.</exception>
    public static DocumentEntry ReadDocument(BinaryReader reader, string tenant)
    {
        var id = reader.ReadString();
        var collection = reader.ReadString();
        var source = reader.ReadString();
        var contentType = reader.ReadString();
        var contentHash = reader.ReadString();
        var model = reader.ReadString();
        var ingestedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        var metadataCount = reader.ReadInt32();
        Dictionary<string, string>? metadata = null;
        if (metadataCount >= 0)
        {
            metadata = new Dictionary<string, string>(Math.Min(metadataCount, 1024), StringComparer.Ordinal);
            for (var m = 0; m < metadataCount; m++)
            {
                metadata[reader.ReadString()] = reader.ReadString();
            }
        }

        var chunkCount = NonNegative(reader.ReadInt32());
        var dimensions = NonNegative(reader.ReadInt32());
        var chunks = ImmutableArray.CreateBuilder<StoredChunk>(Math.Min(chunkCount, 1 << 16));
        for (var c = 0; c < chunkCount; c++)
        {
            var chunkId = reader.ReadString();
            var index = reader.ReadInt32();
            var text = reader.ReadString();
            var headingPath = reader.ReadBoolean() ? reader.ReadString() : null;
            var start = reader.ReadInt32();
            var end = reader.ReadInt32();
            chunks.Add(new StoredChunk(chunkId, index, text, headingPath, start, end, ReadFloats(reader, dimensions)));
        }
        return new DocumentEntry(
            new StoredDocument(tenant, id, collection, source, contentType, contentHash, model, chunkCount, ingestedAt, metadata),
            chunks.ToImmutable());
    }

    private static int NonNegative(int value) => value >= 0 ? value : throw new FormatException($"Negative count {value}.");

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(checked(count * sizeof(float)));
        if (bytes.Length != count * sizeof(float))
        {
            throw new EndOfStreamException();
        }
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }
        return values;
    }
}
