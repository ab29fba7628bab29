using System.Numerics.Tensors;
using AiAspire.RagService.Embeddings;
using AiAspire.RagService.Stores.Hnsw;
using AiAspire.TestKit;
using Microsoft.Extensions.AI;

namespace AiAspire.RagService.Tests.Hnsw;

public sealed class HnswGraphTests
{
    [Fact]
    public void Recall_at_10_against_exact_search_on_random_vectors_is_at_least_95_percent()
    {
        var random = new Random(7);
        var vectors = Enumerable.Range(0, 5_000).Select(_ => RandomUnit(random, 48)).ToList();
        var graph = new HnswGraph(48, new HnswParameters(M: 16, EfConstruction: 100));
        foreach (var vector in vectors)
        {
            graph.Add(vector);
        }

        var recall = Recall(graph, vectors, Enumerable.Range(0, 200).Select(_ => RandomUnit(random, 48)).ToList(), k: 10, ef: 100);

        Assert.True(recall >= 0.95, $"recall@10 {recall:P1}");
    }

    [Fact]
    public async Task Recall_at_10_against_exact_search_on_MiniLM_vectors_of_real_questions_is_at_least_95_percent()
    {
        var questions = CovidQaSet.Load(Path.Combine(RepositoryPaths.SharedData, "rag_covidqa")).Questions
            .Select(q => q.Question).Distinct(StringComparer.Ordinal).Take(1_100).ToList();
        using var generator = new MiniLmEmbeddingGenerator(new TestOptionsMonitor<EmbeddingOptions>(new EmbeddingOptions()));
        var embedded = (await generator.GenerateAsync(questions)).Select(e => Unit(e.Vector.ToArray())).ToList();
        var (stored, queries) = (embedded[..1_000], embedded[1_000..]);
        // The store's default graph with a search narrower than its default, so the figure says something at this size.
        var graph = new HnswGraph(MiniLmEmbeddingGenerator.Dimensions, new HnswParameters());
        foreach (var vector in stored)
        {
            graph.Add(vector);
        }

        var recall = Recall(graph, stored, queries, k: 10, ef: 20);

        Assert.True(recall >= 0.95, $"recall@10 {recall:P1}");
    }

    [Fact]
    public void Tombstoned_nodes_carry_the_search_but_are_never_returned()
    {
        var random = new Random(11);
        var vectors = Enumerable.Range(0, 2_000).Select(_ => RandomUnit(random, 32)).ToList();
        var graph = new HnswGraph(32, new HnswParameters());
        foreach (var vector in vectors)
        {
            graph.Add(vector);
        }
        var dead = Enumerable.Range(0, vectors.Count).Where(i => i % 3 == 0).ToHashSet();

        var queries = Enumerable.Range(0, 100).Select(_ => RandomUnit(random, 32)).ToList();
        var hits = 0;
        foreach (var query in queries)
        {
            var found = graph.Search(query, 10, 64, node => !dead.Contains(node));
            Assert.Equal(10, found.Count);
            Assert.DoesNotContain(found, hit => dead.Contains(hit.Node));
            var exact = Exact(vectors, query, 10, node => !dead.Contains(node));
            hits += found.Count(hit => exact.Contains(hit.Node));
        }
        Assert.True(hits / 1_000.0 >= 0.95, $"recall@10 among live nodes {hits / 10.0:F1} %");
    }

    [Fact]
    public void The_same_inserts_build_the_same_graph_and_every_link_is_in_range()
    {
        var random = new Random(3);
        var vectors = Enumerable.Range(0, 600).Select(_ => RandomUnit(random, 16)).ToList();
        var first = new HnswGraph(16, new HnswParameters(M: 8));
        var second = new HnswGraph(16, new HnswParameters(M: 8));
        vectors.ForEach(v => first.Add(v));
        vectors.ForEach(v => second.Add(v));

        Assert.Equal(first.EntryPoint, second.EntryPoint);
        for (var node = 0; node < vectors.Count; node++)
        {
            Assert.Equal(first.LevelOf(node), second.LevelOf(node));
            for (var layer = 0; layer <= first.LevelOf(node); layer++)
            {
                Assert.Equal(first.NeighboursOf(node, layer), second.NeighboursOf(node, layer));
                Assert.InRange(first.NeighboursOf(node, layer).Count, layer == 0 ? 1 : 0, layer == 0 ? 16 : 8);
                Assert.All(first.NeighboursOf(node, layer), n => Assert.True(n != node && first.LevelOf(n) >= layer));
            }
        }
    }

    [Fact]
    public void A_vector_of_the_wrong_length_is_refused_and_an_empty_graph_finds_nothing()
    {
        var graph = new HnswGraph(4, new HnswParameters());

        Assert.Empty(graph.Search(new float[] { 1, 0, 0, 0 }, 5, 10, null));
        Assert.Throws<ArgumentException>(() => graph.Add(new float[] { 1, 0, 0 }));
        graph.Add(new float[] { 0, 1, 0, 0 });
        Assert.Equal([(0, 1f)], graph.Search(new float[] { 0, 1, 0, 0 }, 5, 10, null));
    }

    [Fact]
    public async Task Searches_running_during_inserts_see_only_published_nodes_and_find_them_afterwards()
    {
        var random = new Random(5);
        var vectors = Enumerable.Range(0, 3_000).Select(_ => RandomUnit(random, 24)).ToList();
        var graph = new HnswGraph(24, new HnswParameters(M: 8, EfConstruction: 40));
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var local = new Random(r);
            while (!stop.IsCancellationRequested)
            {
                var before = graph.Count;
                var found = graph.Search(RandomUnit(local, 24), 5, 20, null);
                if (found.Count > Math.Max(5, graph.Count) || found.Any(hit => hit.Node >= graph.Count) || (before >= 5 && found.Count < 5))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        foreach (var vector in vectors)
        {
            graph.Add(vector);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, failures);
        Assert.Equal(vectors.Count, graph.Count);
        Assert.Equal(1234, graph.Search(vectors[1234], 1, 50, null).Single().Node);
    }

    internal static double Recall(HnswGraph graph, IReadOnlyList<float[]> stored, IReadOnlyList<float[]> queries, int k, int ef)
    {
        var hits = 0;
        foreach (var query in queries)
        {
            var exact = Exact(stored, query, k, null);
            hits += graph.Search(query, k, ef, null).Count(hit => exact.Contains(hit.Node));
        }
        return hits / (double)(queries.Count * k);
    }

    private static HashSet<int> Exact(IReadOnlyList<float[]> stored, float[] query, int k, Func<int, bool>? include) =>
        [.. Enumerable.Range(0, stored.Count).Where(i => include is null || include(i))
            .OrderByDescending(i => TensorPrimitives.Dot(query, stored[i])).Take(k)];

    internal static float[] RandomUnit(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }
        return Unit(vector);
    }

    private static float[] Unit(float[] vector)
    {
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }
}
