using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AiAspire.RagService.Stores.Hnsw;

/// <summary>
/// An <see cref="HnswGraph"/> on disk (a <see cref="CheckedFile"/>), so that a restart does not rebuild it. Live nodes are
/// stored by key — their vectors live in the tenant snapshot — and dead ones (tombstones still carrying searches) with their
/// vector. A file that names a key the snapshot lacks is stale and is rejected; the caller then builds the graph again.
/// </summary>
internal static class HnswGraphFile
{
    public const string Extension = ".hnsw";

    private const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "AIAHNSW1"u8;

    /// <param name="view">The graph as it was when the version being saved was made; nodes added since (by a writer that may
    /// still be running) are left out, with the links to them.</param>
    /// <param name="keyOf">A live node's key; null for a dead node.</param>
    public static void Write(string path, HnswGraph graph, HnswGraph.Snapshot view, Func<int, string?> keyOf)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            var (count, entry, topLevel) = view;
            writer.Write(graph.Dimensions);
            writer.Write(count);
            writer.Write(entry);
            writer.Write(topLevel);
            for (var node = 0; node < count; node++)
            {
                var key = keyOf(node);
                writer.Write(key is not null);
                if (key is not null)
                {
                    writer.Write(key);
                }
                else
                {
                    writer.Write(MemoryMarshal.AsBytes(graph.VectorOf(node).Span));
                }
                var level = graph.LevelOf(node);
                writer.Write(level);
                for (var layer = 0; layer <= level; layer++)
                {
                    var links = graph.NeighboursOf(node, layer);
                    var kept = links.Count(link => link < count);
                    writer.Write(kept);
                    foreach (var link in links.Where(link => link < count))
                    {
                        writer.Write(link);
                    }
                }
            }
        }
        CheckedFile.Write(path, Magic, Version, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <param name="resolve">The unit vector of a live node's key, or null when the store has no such chunk.</param>
    /// <returns>The graph and each node's key (null for dead nodes).</returns>
    /// <exception cref="InvalidDataException">The file is damaged, or stale (a key does not resolve).</exception>
    public static (HnswGraph Graph, string?[] Keys) Read(string path, HnswParameters parameters, Func<string, ReadOnlyMemory<float>?> resolve)
    {
        var payload = CheckedFile.Read(path, Magic, Version);
        if (!BitConverter.IsLittleEndian)
        {
            throw new InvalidDataException("Graph files are read on little-endian machines only.");
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload.Array!, payload.Offset, payload.Count, writable: false), Encoding.UTF8);
            var dimensions = Positive(reader.ReadInt32());
            var count = NonNegative(reader.ReadInt32());
            var entry = reader.ReadInt32();
            var topLevel = reader.ReadInt32();
            var nodes = new List<(ReadOnlyMemory<float>, int[][])>(Math.Min(count, 1 << 20));
            var keys = new string?[count];
            for (var node = 0; node < count; node++)
            {
                ReadOnlyMemory<float> vector;
                if (reader.ReadBoolean())
                {
                    var key = reader.ReadString();
                    vector = resolve(key) ?? throw new InvalidDataException($"{path} is stale: node {node} ({key}) is not in the snapshot.");
                    keys[node] = key;
                }
                else
                {
                    var bytes = reader.ReadBytes(checked(dimensions * sizeof(float)));
                    if (bytes.Length != dimensions * sizeof(float))
                    {
                        throw new EndOfStreamException();
                    }
                    var values = new float[dimensions];
                    for (var i = 0; i < dimensions; i++)
                    {
                        values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
                    }
                    vector = values;
                }
                var level = NonNegative(reader.ReadInt32());
                if (level > 64)
                {
                    throw new FormatException($"Level {level} is out of range.");
                }
                var links = new int[level + 1][];
                for (var layer = 0; layer <= level; layer++)
                {
                    var length = NonNegative(reader.ReadInt32());
                    if (length > parameters.M * 2 + 1)
                    {
                        throw new FormatException($"Node {node} has {length} links at layer {layer}.");
                    }
                    links[layer] = new int[length];
                    for (var i = 0; i < length; i++)
                    {
                        links[layer][i] = reader.ReadInt32();
                    }
                }
                nodes.Add((vector, links));
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new FormatException("Bytes left over after the last node.");
            }
            return (HnswGraph.Restore(dimensions, parameters, nodes, entry, topLevel), keys);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path} has a malformed payload.", ex);
        }
    }

    private static int NonNegative(int value) => value >= 0 ? value : throw new FormatException($"Negative count {value}.");

    private static int Positive(int value) => value > 0 ? value : throw new FormatException($"Non-positive dimension count {value}.");
}
