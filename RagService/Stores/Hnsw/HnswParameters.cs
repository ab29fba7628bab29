namespace AiAspire.RagService.Stores.Hnsw;

/// <summary>How an <see cref="HnswGraph"/> is built.</summary>
/// <param name="M">Links per node above the bottom layer; the bottom layer keeps up to twice as many.</param>
/// <param name="EfConstruction">Candidates explored when linking a new node: higher builds slower and finds better links.</param>
/// <param name="Seed">Seeds the level draw, so that the same inserts build the same graph.</param>
internal sealed record HnswParameters(int M = 16, int EfConstruction = 100, int Seed = 42);
