using AiAspire.RagService.Stores;
using Qdrant.Client.Grpc;

namespace AiAspire.RagService.Tests;

/// <summary>The Qdrant store's translation to and from points, filters and sparse vectors, checked without a server.</summary>
public sealed class QdrantMappingTests
{
    private static readonly StoredDocument Document = new("acme", "handbook", "hr", "handbook.md", "markdown", "abc123", "all-minilm-l6-v2", 0,
        new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), new Dictionary<string, string> { ["team"] = "hr", ["lang"] = "en" });

    private static readonly StoredChunk Chunk = new("handbook#3", 3, "Vacation days: 25 per year.", "Handbook > Time off", 120, 147, new float[] { 0.6f, 0.8f, 0 });

    [Fact]
    public void A_chunk_becomes_a_point_with_dense_and_bm25_vectors_and_its_payload()
    {
        var point = QdrantMapping.ToPoint(Document, Chunk, chunkCount: 7, version: "v1");

        Assert.Equal(QdrantMapping.PointId("acme", "handbook", 3, "v1").ToString(), point.Id.Uuid);
        var vectors = point.Vectors.Vectors_.Vectors;
        Assert.Equal([0.6f, 0.8f, 0], vectors[QdrantMapping.DenseVectorName].Dense.Data);
        var sparse = vectors[QdrantMapping.SparseVectorName].Sparse;
        var expected = SparseTerms.ForDocument("Handbook > Time off\nVacation days: 25 per year.");
        Assert.Equal(expected.Indices, sparse.Indices);
        Assert.Equal(expected.Values, sparse.Values);
        Assert.Equal("acme", point.Payload["tenant"].StringValue);
        Assert.Equal("hr", point.Payload["collection"].StringValue);
        Assert.Equal("handbook", point.Payload["doc_id"].StringValue);
        Assert.Equal(3, point.Payload["chunk_index"].IntegerValue);
        Assert.Equal(["4:team=hr", "4:lang=en"], point.Payload["metadata_pairs"].ListValue.Values.Select(v => v.StringValue).Order(StringComparer.Ordinal).Reverse());

        var document = QdrantMapping.ToDocument(point.Payload);
        var chunk = QdrantMapping.ToChunk(point.Payload, Chunk.Vector);

        Assert.Equal(Document with { ChunkCount = 7, Metadata = null }, document with { Metadata = null });
        Assert.Equal(Document.Metadata, document.Metadata);
        Assert.Equal(Chunk with { Vector = default }, chunk with { Vector = default });
    }

    [Fact]
    public void A_chunk_without_heading_or_metadata_round_trips()
    {
        var bare = Document with { Metadata = null };
        var point = QdrantMapping.ToPoint(bare, Chunk with { HeadingPath = null }, chunkCount: 1, version: "v1");

        Assert.False(point.Payload.ContainsKey("heading_path"));
        Assert.False(point.Payload.ContainsKey("metadata_pairs"));
        Assert.Null(QdrantMapping.ToChunk(point.Payload, default).HeadingPath);
        Assert.Null(QdrantMapping.ToDocument(point.Payload).Metadata);
    }

    [Fact]
    public void A_point_missing_a_field_is_invalid_data_not_a_default()
    {
        var point = QdrantMapping.ToPoint(Document, Chunk, 1, "v1");
        point.Payload.Remove("tenant");

        Assert.Throws<InvalidDataException>(() => QdrantMapping.ToDocument(point.Payload));
    }

    [Fact]
    public void Point_ids_differ_by_tenant_document_chunk_and_version_and_repeat_otherwise()
    {
        var id = QdrantMapping.PointId("acme", "doc", 0, "v1");

        Assert.Equal(id, QdrantMapping.PointId("acme", "doc", 0, "v1"));
        Assert.Equal(4, new[] { QdrantMapping.PointId("globex", "doc", 0, "v1"), QdrantMapping.PointId("acme", "doc2", 0, "v1"),
            QdrantMapping.PointId("acme", "doc", 1, "v1"), QdrantMapping.PointId("acme", "doc", 0, "v2") }.Where(other => other != id).Distinct().Count());
    }

    [Fact]
    public void Every_filter_starts_with_the_tenant_and_metadata_cannot_replace_it()
    {
        var filter = QdrantMapping.TenantFilter("acme", "hr", metadata: new Dictionary<string, string> { ["tenant"] = "globex", ["team"] = "hr" });

        Assert.Equal(
            [("tenant", "acme"), ("collection", "hr"), ("metadata_pairs", "6:tenant=globex"), ("metadata_pairs", "4:team=hr")],
            filter.Must.Select(c => (c.Field.Key, c.Field.Match.Keyword)));
        Assert.Empty(filter.Should);
        Assert.Empty(filter.MustNot);
        var byDocument = QdrantMapping.TenantFilter("acme", documentId: "handbook", chunkIndex: 0);
        Assert.Equal(["tenant", "doc_id", "chunk_index"], byDocument.Must.Select(c => c.Field.Key));
        Assert.Equal(0, byDocument.Must[2].Field.Match.Integer);
        Assert.Throws<ArgumentException>(() => QdrantMapping.TenantFilter(" "));
    }

    [Fact]
    public void Metadata_pairs_are_unambiguous()
    {
        Assert.NotEqual(QdrantMapping.MetadataPair("a=b", "c"), QdrantMapping.MetadataPair("a", "b=c"));
        Assert.NotEqual(QdrantMapping.MetadataPair("a", "1:b=c"), QdrantMapping.MetadataPair("a=1:b", "c"));
    }

    [Theory]
    [InlineData("all-minilm-l6-v2", "aiaspire_all-minilm-l6-v2")]
    [InlineData("text-embedding-3-small", "aiaspire_text-embedding-3-small")]
    [InlineData("org/Model:v1.5", "aiaspire_org_model_v1_5")]
    public void Collections_are_named_by_embedding_model(string model, string name) => Assert.Equal(name, QdrantMapping.CollectionName(model));

    [Fact]
    public void The_dense_vector_is_read_back_from_query_results()
    {
        var output = new VectorsOutput { Vectors = new NamedVectorsOutput() };
        output.Vectors.Vectors[QdrantMapping.DenseVectorName] = new VectorOutput { Dense = new DenseVector { Data = { 1f, 2f } } };

        Assert.Equal([1f, 2f], QdrantMapping.DenseOf(output));
        Assert.Empty(QdrantMapping.DenseOf(null));
    }

    [Fact]
    public void Sparse_vectors_weigh_saturated_term_frequency_for_documents_and_ones_for_queries()
    {
        var document = SparseTerms.ForDocument("fever fever fever cough");
        var query = SparseTerms.ForQuery("Fever and fevers, or cough?");

        Assert.Equal(2, document.Indices.Length);
        Assert.Equal(document.Indices, document.Indices.Order());
        var fever = document.Values[Array.IndexOf(document.Indices, SparseTerms.IndexOf("fever"))];
        var cough = document.Values[Array.IndexOf(document.Indices, SparseTerms.IndexOf("cough"))];
        Assert.True(fever > cough && fever < 2.2f, $"{fever} vs {cough}");
        Assert.Equal(new[] { SparseTerms.IndexOf("fever"), SparseTerms.IndexOf("cough") }.Order(), query.Indices);
        Assert.All(query.Values, v => Assert.Equal(1f, v));
        Assert.Empty(SparseTerms.ForQuery("the and of").Indices);
        Assert.Equal(0xE40C292Cu, SparseTerms.IndexOf("a"));
    }

    [Theory]
    [InlineData("Endpoint=http://127.0.0.1:6334;Key=secret", "http://127.0.0.1:6334/", "secret")]
    [InlineData("Endpoint=https://qdrant.internal:6334", "https://qdrant.internal:6334/", null)]
    [InlineData("http://localhost:6334", "http://localhost:6334/", null)]
    public void Connection_strings_give_endpoint_and_key(string connectionString, string endpoint, string? key)
    {
        var connection = QdrantConnection.Parse(connectionString);

        Assert.Equal((endpoint, key), (connection.Endpoint.ToString(), connection.ApiKey));
        Assert.DoesNotContain("secret", connection.ToString());
    }

    [Theory]
    [InlineData("Key=secret")]
    [InlineData("Endpoint=localhost:6334")]
    [InlineData("Endpoint=ftp://host:6334")]
    [InlineData("Endpoint=\"unterminated")]
    public void Bad_connection_strings_are_format_errors(string connectionString) =>
        Assert.Throws<FormatException>(() => QdrantConnection.Parse(connectionString));
}
