using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiAspire.RagService.Embeddings;

internal sealed class EmbeddingVectorJsonConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var bytes = reader.GetBytesFromBase64();
            if (bytes.Length % sizeof(float) != 0)
            {
                throw new JsonException("A base64 embedding must hold whole float32 values.");
            }
            var values = new float[bytes.Length / sizeof(float)];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
            }
            return new EmbeddingVector(values, AsBase64: true);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("An embedding is an array of numbers or a base64 string.");
        }
        var list = new List<float>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(reader.GetSingle());
        }
        return new EmbeddingVector(list.ToArray(), AsBase64: false);
    }

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        var values = value.Values.Span;
        if (value.AsBase64)
        {
            if (BitConverter.IsLittleEndian)
            {
                writer.WriteBase64StringValue(MemoryMarshal.AsBytes(values));
                return;
            }
            var bytes = new byte[values.Length * sizeof(float)];
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
            }
            writer.WriteBase64StringValue(bytes);
            return;
        }
        writer.WriteStartArray();
        foreach (var item in values)
        {
            writer.WriteNumberValue(item);
        }
        writer.WriteEndArray();
    }
}
