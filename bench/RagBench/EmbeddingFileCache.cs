using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace AiAspire.RagBench;

/// <summary>
/// Remembers embeddings in an append-only file keyed by SHA-256 of model and text, so a second evaluation run embeds
/// nothing. A torn last record (a run killed mid-write) is ignored on load.
/// </summary>
internal sealed class EmbeddingFileCache : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private const int MaxDimensions = 8192;

    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly string _model;
    private readonly Lock _gate = new();

    public EmbeddingFileCache(IEmbeddingGenerator<string, Embedding<float>> inner, string path) : base(inner)
    {
        _path = path;
        _model = inner.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? throw new InvalidOperationException("The generator does not name its model.");
        Load();
    }

    public int Hits { get; private set; }

    public int Misses { get; private set; }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values.ToList();
        var keys = inputs.Select(Key).ToList();
        var missing = new List<int>();
        lock (_gate)
        {
            missing.AddRange(Enumerable.Range(0, inputs.Count).Where(i => !_vectors.ContainsKey(keys[i])));
            Hits += inputs.Count - missing.Count;
            Misses += missing.Count;
        }
        if (missing.Count > 0)
        {
            var generated = await base.GenerateAsync(missing.Select(i => inputs[i]), options, cancellationToken);
            lock (_gate)
            {
                using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
                using var writer = new BinaryWriter(file);
                for (var m = 0; m < missing.Count; m++)
                {
                    var vector = generated[m].Vector.ToArray();
                    _vectors[keys[missing[m]]] = vector;
                    writer.Write(keys[missing[m]]);
                    writer.Write(vector.Length);
                    foreach (var value in vector)
                    {
                        writer.Write(value);
                    }
                }
            }
        }
        lock (_gate)
        {
            return new GeneratedEmbeddings<Embedding<float>>(keys.Select(key => new Embedding<float>(_vectors[key]) { ModelId = _model }));
        }
    }

    private string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_model + "\n" + text)));

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }
        using var reader = new BinaryReader(File.OpenRead(_path));
        try
        {
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var key = reader.ReadString();
                var length = reader.ReadInt32();
                if (length is < 1 or > MaxDimensions)
                {
                    break;
                }
                var vector = new float[length];
                for (var i = 0; i < length; i++)
                {
                    vector[i] = reader.ReadSingle();
                }
                _vectors[key] = vector;
            }
        }
        catch (EndOfStreamException)
        {
            // The torn tail of an interrupted run: everything before it is whole.
        }
    }
}
