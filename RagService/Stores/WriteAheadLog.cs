using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AiAspire.RagService.Stores;

/// <summary>
/// One tenant's write-ahead log: numbered segment files <c>{prefix}.{sequence}.wal</c>, each a magic, a header record naming
/// the tenant and the sequence, then one record per write. A record is its payload length, the SHA-256 of its payload and
/// the payload (an upsert of whole documents with their chunks and vectors, or a delete by document id); it is flushed to
/// disk before the write is acknowledged. Replay stops at the first record that is cut short or fails its checksum (the
/// write a crash interrupted, never acknowledged). A segment is only ever appended to by the process that created it, and a
/// failed append abandons it, so no record ever follows torn bytes in the same segment. One writer at a time (the store's
/// per-tenant gate).
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    public const string Extension = ".wal";

    private const byte HeaderKind = 0;
    private const byte UpsertKind = 1;
    private const byte DeleteKind = 2;
    private const int RecordHeaderLength = sizeof(int) + SHA256.HashSizeInBytes;
    private static ReadOnlySpan<byte> Magic => "AIAWAL01"u8;

    private readonly string _directory;
    private readonly string _prefix;
    private readonly string _tenant;
    private FileStream? _active;

    /// <param name="lastSequence">The highest segment number in use (on disk or named by the snapshot): new segments follow it.</param>
    public WriteAheadLog(string directory, string prefix, string tenant, long lastSequence)
    {
        _directory = directory;
        _prefix = prefix;
        _tenant = tenant;
        LastSequence = lastSequence;
    }

    /// <summary>The highest segment number used so far.</summary>
    public long LastSequence { get; private set; }

    /// <summary>Bytes appended to the segment that is open for writes.</summary>
    public long ActiveBytes { get; private set; }

    /// <summary>Records appended to the segment that is open for writes.</summary>
    public int ActiveRecords { get; private set; }

    public static string PathFor(string directory, string prefix, long sequence) =>
        Path.Combine(directory, $"{prefix}.{sequence.ToString("D10", CultureInfo.InvariantCulture)}{Extension}");

    /// <summary>The segment files in <paramref name="directory"/>, by prefix (tenant file name) and sequence, in order.</summary>
    public static IEnumerable<(string Prefix, long Sequence, string Path)> Segments(string directory)
    {
        var segments = new List<(string, long, string)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var dot = name.LastIndexOf('.');
            if (dot > 0 && long.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                segments.Add((name[..dot], sequence, path));
            }
        }
        return segments.OrderBy(s => s.Item1, StringComparer.Ordinal).ThenBy(s => s.Item2);
    }

    public void AppendUpsert(IReadOnlyList<DocumentEntry> entries) => Append(writer =>
    {
        writer.Write(UpsertKind);
        writer.Write(entries.Count);
        foreach (var entry in entries)
        {
            SnapshotFile.WriteDocument(writer, entry);
        }
    });

    public void AppendDelete(string documentId) => Append(writer =>
    {
        writer.Write(DeleteKind);
        writer.Write(documentId);
    });

    /// <summary>Closes the open segment (the next append starts a new one); returns the last segment number, all of whose records are applied.</summary>
    public long Seal()
    {
        _active?.Dispose();
        _active = null;
        ActiveBytes = 0;
        ActiveRecords = 0;
        return LastSequence;
    }

    public void Dispose() => Seal();

    /// <summary>
    /// Reads one segment: the tenant its header names (null when even the header is incomplete or damaged — no record of it
    /// was ever acknowledged) and its records up to the first torn or damaged one.
    /// </summary>
    public static Segment Read(string path, long sequence)
    {
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }
        var records = new List<Record>();
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return new Segment(null, records, 0, bytes.Length);
        }
        var offset = Magic.Length;
        string? tenant = null;
        while (TryNextPayload(bytes, ref offset, out var payload))
        {
            try
            {
                using var reader = new BinaryReader(new MemoryStream(bytes, payload.Offset, payload.Count, writable: false), Encoding.UTF8);
                var kind = reader.ReadByte();
                if (tenant is null)
                {
                    if (kind != HeaderKind)
                    {
                        break;
                    }
                    tenant = reader.ReadString();
                    if (reader.ReadInt64() != sequence)
                    {
                        throw new FormatException("The segment's header names another sequence number than its file name.");
                    }
                }
                else if (kind == UpsertKind)
                {
                    var count = reader.ReadInt32();
                    if (count < 0)
                    {
                        throw new FormatException($"Negative count {count}.");
                    }
                    var entries = new List<DocumentEntry>(Math.Min(count, 1 << 12));
                    for (var i = 0; i < count; i++)
                    {
                        entries.Add(SnapshotFile.ReadDocument(reader, tenant));
                    }
                    records.Add(new Record(entries, null));
                }
                else if (kind == DeleteKind)
                {
                    records.Add(new Record(null, reader.ReadString()));
                }
                else
                {
                    throw new FormatException($"Unknown record kind {kind}.");
                }
                if (reader.BaseStream.Position != reader.BaseStream.Length)
                {
                    throw new FormatException("Bytes left over after the record.");
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or FormatException or ArgumentException or OverflowException)
            {
                // A record whose checksum matches but does not parse was written by another format: stop there, as for damage.
                offset = payload.Offset - RecordHeaderLength;
                break;
            }
        }
        return new Segment(tenant, records, tenant is null ? 0 : offset, bytes.Length);
    }

    /// <summary>The next record's payload, if it is complete and matches its checksum; <paramref name="offset"/> moves past it.</summary>
    private static bool TryNextPayload(byte[] bytes, ref int offset, out ArraySegment<byte> payload)
    {
        payload = default;
        if (bytes.Length - offset < RecordHeaderLength)
        {
            return false;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
        if (length < 1 || length > bytes.Length - offset - RecordHeaderLength)
        {
            return false;
        }
        var candidate = new ArraySegment<byte>(bytes, offset + RecordHeaderLength, length);
        if (!SHA256.HashData(candidate).AsSpan().SequenceEqual(bytes.AsSpan(offset + sizeof(int), SHA256.HashSizeInBytes)))
        {
            return false;
        }
        payload = candidate;
        offset += RecordHeaderLength + length;
        return true;
    }

    private void Append(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }
        try
        {
            var stream = _active ?? OpenSegment();
            WriteRecord(stream, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            stream.Flush(flushToDisk: true);
            ActiveBytes = stream.Length;
            ActiveRecords++;
        }
        catch
        {
            // What reached the file may be torn: no later record may follow it there.
            Seal();
            throw;
        }
    }

    private FileStream OpenSegment()
    {
        // Numbered before the file exists, so a failed open never reuses a number a torn file may hold.
        var sequence = ++LastSequence;
        var stream = new FileStream(PathFor(_directory, _prefix, sequence), FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, 1 << 16);
        try
        {
            stream.Write(Magic);
            using var header = new MemoryStream();
            using (var writer = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(HeaderKind);
                writer.Write(_tenant);
                writer.Write(sequence);
            }
            WriteRecord(stream, header.GetBuffer().AsSpan(0, (int)header.Length));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        _active = stream;
        return stream;
    }

    private static void WriteRecord(FileStream stream, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteInt32LittleEndian(header, payload.Length);
        SHA256.HashData(payload, header[sizeof(int)..]);
        stream.Write(header);
        stream.Write(payload);
    }

    /// <summary>One write: documents to store (replacing any of the same id), or the id of a document to delete.</summary>
    public sealed record Record(IReadOnlyList<DocumentEntry>? Upserts, string? DeletedId);

    /// <param name="Tenant">Null when the segment's header is incomplete: it holds no acknowledged write.</param>
    /// <param name="ValidBytes">Bytes up to the end of the last intact record; less than <paramref name="TotalBytes"/> after a crash mid-write.</param>
    public sealed record Segment(string? Tenant, List<Record> Records, long ValidBytes, long TotalBytes);
}
