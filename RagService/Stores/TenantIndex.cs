using System.Collections.Immutable;

namespace AiAspire.RagService.Stores;

/// <summary>One tenant's documents and search indexes; immutable, so readers never lock and writers swap in a new one.</summary>
internal sealed class TenantIndex
{
    public static readonly TenantIndex Empty = new(
        ImmutableDictionary.Create<string, DocumentEntry>(StringComparer.Ordinal),
        ImmutableDictionary<CollectionKey, CollectionIndex>.Empty);

    private TenantIndex(ImmutableDictionary<string, DocumentEntry> documents, ImmutableDictionary<CollectionKey, CollectionIndex> collections)
    {
        Documents = documents;
        Collections = collections;
    }

    public ImmutableDictionary<string, DocumentEntry> Documents { get; }

    public ImmutableDictionary<CollectionKey, CollectionIndex> Collections { get; }

    public static TenantIndex From(IEnumerable<DocumentEntry> documents)
    {
        var map = Empty.Documents.SetItems(documents.Select(d => KeyValuePair.Create(d.Document.Id, d)));
        return new TenantIndex(map, Reindex(map, Empty.Collections, map.Values.Select(d => d.Key).ToHashSet()));
    }

    public TenantIndex With(DocumentEntry entry)
    {
        var affected = new HashSet<CollectionKey> { entry.Key };
        if (Documents.TryGetValue(entry.Document.Id, out var previous))
        {
            affected.Add(previous.Key);
        }
        var documents = Documents.SetItem(entry.Document.Id, entry);
        return new TenantIndex(documents, Reindex(documents, Collections, affected));
    }

    public TenantIndex Without(string documentId)
    {
        if (!Documents.TryGetValue(documentId, out var previous))
        {
            return this;
        }
        var documents = Documents.Remove(documentId);
        return new TenantIndex(documents, Reindex(documents, Collections, [previous.Key]));
    }

    private static ImmutableDictionary<CollectionKey, CollectionIndex> Reindex(
        ImmutableDictionary<string, DocumentEntry> documents,
        ImmutableDictionary<CollectionKey, CollectionIndex> collections,
        HashSet<CollectionKey> affected)
    {
        foreach (var key in affected)
        {
            var members = documents.Values.Where(d => d.Key == key && !d.Chunks.IsEmpty).ToList();
            collections = members.Count == 0 ? collections.Remove(key) : collections.SetItem(key, CollectionIndex.Build(members));
        }
        return collections;
    }
}
