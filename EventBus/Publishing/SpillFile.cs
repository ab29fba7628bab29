using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace AiAspire.EventBus.Publishing;

/// <summary>
/// An append-only, fsync'd file of outgoing messages with a replay cursor beside it: what the bus could not take
/// survives a crash and is replayed in order. A record is <c>[length:int32][crc32c:uint32][payload]</c>; a torn tail
/// (a crash mid-append) fails its length or checksum and is cut off when the file is opened.
/// Not thread-safe: <see cref="OutboundQueue"/> serializes appends and resets; reads run only on the send loop.
/// </summary>
internal sealed class SpillFile : IDisposable
{
    private const int HeaderSize = 8;
    private const int MaxRecordSize = 64 * 1024 * 1024;

    private readonly string _path;
    private readonly string _cursorPath;
    private readonly FileStream _lock;
    private readonly FileStream _writer;
    private readonly SafeFileHandle _reader;
    private long _length;
    private long _readOffset;

    private SpillFile(string path, FileStream @lock, FileStream writer, SafeFileHandle reader, long length, long readOffset)
    {
        _lock = @lock;
        _path = path;
        _cursorPath = path + ".cursor";
        _writer = writer;
        _reader = reader;
        _length = length;
        _readOffset = readOffset;
    }

    /// <summary>Where replay stands; everything before it has reached the bus.</summary>
    public long ReadOffset => Volatile.Read(ref _readOffset);

    /// <summary>The end of the last complete record.</summary>
    public long Length => Volatile.Read(ref _length);

    public bool HasUnsent => ReadOffset < Length;

    public string Path => _path;

    /// <summary>
    /// Opens the spill file in <paramref name="folder"/>, or, while another process of the same service holds that,
    /// in the first free of its subfolders <c>2</c>…<c>16</c>: a fixed set, so a restarted instance finds what it left.
    /// </summary>
    public static SpillFile OpenFirstFree(string folder)
    {
        const int MaxInstances = 16;
        for (var instance = 1; ; instance++)
        {
            var candidate = instance == 1 ? folder : System.IO.Path.Combine(folder, instance.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                return Open(candidate);
            }
            catch (IOException) when (instance < MaxInstances && IsLocked(candidate))
            {
            }
        }
    }

    private static bool IsLocked(string folder)
    {
        try
        {
            using var probe = new FileStream(System.IO.Path.Combine(folder, "events.spill.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Opens (or creates) the spill file in <paramref name="folder"/>, dropping a torn tail and validating the cursor.</summary>
    /// <exception cref="IOException">Another process holds the file.</exception>
    public static SpillFile Open(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, "events.spill");
        // Held exclusively while open: a second publisher on the same folder fails here instead of interleaving records.
        var @lock = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        FileStream? writer = null;
        try
        {
            writer = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            var boundaries = new HashSet<long> { 0 };
            var length = ScanValidLength(writer, boundaries);
            if (length < writer.Length)
            {
                writer.SetLength(length);
                writer.Flush(flushToDisk: true);
            }
            writer.Seek(length, SeekOrigin.Begin);
            var cursor = ReadCursor(path + ".cursor");
            // A cursor that is not on a record boundary (torn, or from another file) replays from the start:
            // duplicates are harmless (consumers dedupe by id), a skipped event is not.
            var readOffset = boundaries.Contains(cursor) ? cursor : 0;
            // Unbuffered positional reads: a buffered stream could serve stale bytes after a reset rewrote the file.
            var reader = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new SpillFile(path, @lock, writer, reader, length, readOffset);
        }
        catch
        {
            writer?.Dispose();
            @lock.Dispose();
            throw;
        }
    }

    /// <summary>Appends the messages, in order, and forces them to disk before returning.</summary>
    public void Append(IReadOnlyList<OutgoingMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }
        using var buffer = new MemoryStream();
        foreach (var message in messages)
        {
            WriteRecord(buffer, message);
        }
        try
        {
            _writer.Seek(_length, SeekOrigin.Begin);
            _writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _writer.Flush(flushToDisk: true);
        }
        catch
        {
            // Leave no half-written records behind the last good one.
            _writer.SetLength(_length);
            throw;
        }
        Volatile.Write(ref _length, _length + buffer.Length);
    }

    /// <summary>Reads up to <paramref name="max"/> records from the replay cursor, each with the offset just past it.</summary>
    public IReadOnlyList<(OutgoingMessage Message, long End)> ReadBatch(int max)
    {
        var batch = new List<(OutgoingMessage, long)>(Math.Min(max, 256));
        var offset = ReadOffset;
        var end = Length;
        var header = new byte[HeaderSize];
        while (batch.Count < max && offset < end)
        {
            ReadExactly(header, offset);
            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            var payload = new byte[size];
            ReadExactly(payload, offset + HeaderSize);
            offset += HeaderSize + size;
            batch.Add((ReadPayload(payload), offset));
        }
        return batch;
    }

    /// <summary>Moves the replay cursor past records the bus has taken, and records it on disk.</summary>
    public void Advance(long offset)
    {
        Volatile.Write(ref _readOffset, offset);
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, offset);
        // Not fsync'd: a stale cursor only replays some events twice, and consumers dedupe by id.
        File.WriteAllBytes(_cursorPath, bytes);
    }

    /// <summary>Empties the file once everything in it has been replayed.</summary>
    public void Reset()
    {
        _writer.SetLength(0);
        _writer.Flush(flushToDisk: true);
        Volatile.Write(ref _length, 0);
        Volatile.Write(ref _readOffset, 0);
        File.Delete(_cursorPath);
    }

    public void Dispose()
    {
        _reader.Dispose();
        _writer.Dispose();
        _lock.Dispose();
    }

    private void ReadExactly(Span<byte> into, long offset)
    {
        while (!into.IsEmpty)
        {
            var read = RandomAccess.Read(_reader, into, offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"The spill file {_path} ends inside a record at {offset}.");
            }
            into = into[read..];
            offset += read;
        }
    }

    private static void WriteRecord(MemoryStream buffer, OutgoingMessage message)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(message.Topic);
            writer.Write(message.Id);
            writer.Write(message.Type);
            writer.Write(message.Key);
            WriteOptional(writer, message.TraceParent);
            WriteOptional(writer, message.TraceState);
            writer.Write(message.Body.Length);
            writer.Write(message.Body.Span);
        }
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(bytes));
        buffer.Write(header);
        buffer.Write(bytes);
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static OutgoingMessage ReadPayload(byte[] payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var topic = reader.ReadString();
        var id = reader.ReadString();
        var type = reader.ReadString();
        var key = reader.ReadString();
        var traceParent = reader.ReadBoolean() ? reader.ReadString() : null;
        var traceState = reader.ReadBoolean() ? reader.ReadString() : null;
        var body = reader.ReadBytes(reader.ReadInt32());
        return new OutgoingMessage(topic, id, type, key, body, traceParent, traceState);
    }

    /// <returns>The end of the last record whose length and checksum are intact.</returns>
    private static long ScanValidLength(FileStream file, HashSet<long> boundaries)
    {
        var header = new byte[HeaderSize];
        long offset = 0;
        file.Seek(0, SeekOrigin.Begin);
        while (offset + HeaderSize <= file.Length)
        {
            file.ReadExactly(header);
            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (size <= 0 || size > MaxRecordSize || offset + HeaderSize + size > file.Length)
            {
                break;
            }
            var payload = new byte[size];
            file.ReadExactly(payload);
            if (Checksum(payload) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)))
            {
                break;
            }
            offset += HeaderSize + size;
            boundaries.Add(offset);
        }
        return offset;
    }

    private static long ReadCursor(string cursorPath)
    {
        try
        {
            var bytes = File.ReadAllBytes(cursorPath);
            return bytes.Length == 8 ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private static uint Checksum(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        while (bytes.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        foreach (var b in bytes)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }
}
