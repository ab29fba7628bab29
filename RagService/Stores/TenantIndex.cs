using System.Collections.Immutable;

namespace AiAspire.RagService.Stores;

/// <summary>
/// One tenant's documents and search indexes; immutable to readers, so they never lock, and writers swap in a new one.
/// A new version shares the unchanged collections and the graphs of changed ones (see <see cref="CollectionIndex"/>).
/// </summary>
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

    /// <param name="build">Builds (or restores from disk) one collection's index from its documents, all with chunks.</param>
    public static TenantIndex From(IEnumerable<DocumentEntry> documents, Func<CollectionKey, List<DocumentEntry>, CollectionIndex> build)
    {
        var map = Empty.Documents.SetItems(documents.Select(d => KeyValuePair.Create(d.Document.Id, d)));
        var collections = map.Values.Where(d => !d.Chunks.IsEmpty).GroupBy(d => d.Key)
            .ToImmutableDictionary(group => group.Key, group => build(group.Key, [.. group]));
        return new TenantIndex(map, collections);
    }

    /// <summary>The same documents with <paramref name="key"/>'s index replaced (by one with a freshly built graph).</summary>
    public TenantIndex WithCollection(CollectionKey key, CollectionIndex index) => new(Documents, Collections.SetItem(key, index));

    /// <summary>Stores every entry (the last one wins when an id repeats), replacing documents of the same id: one index update per collection for the whole batch.</summary>
    public TenantIndex With(IReadOnlyList<DocumentEntry> entries, EmbeddedIndexOptions options)
    {
        var batch = new Dictionary<string, DocumentEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            batch[entry.Document.Id] = entry;
        }
        var documents = Documents.SetItems(batch);
        var removed = new Dictionary<CollectionKey, List<string>>();
        var added = new Dictionary<CollectionKey, List<DocumentEntry>>();
        foreach (var entry in batch.Values)
        {
            if (Documents.TryGetValue(entry.Document.Id, out var previous))
            {
                Add(removed, previous.Key, previous.Document.Id);
            }
            Add(added, entry.Key, entry);
        }
        return new TenantIndex(documents, Update(documents, Collections, removed, added, options));
    }

    public TenantIndex Without(string documentId, EmbeddedIndexOptions options)
    {
        if (!Documents.TryGetValue(documentId, out var previous))
        {
            return this;
        }
        var documents = Documents.Remove(documentId);
        return new TenantIndex(documents, Update(documents, Collections, new() { [previous.Key] = [documentId] }, [], options));
    }

    private static ImmutableDictionary<CollectionKey, CollectionIndex> Update(
        ImmutableDictionary<string, DocumentEntry> documents,
        ImmutableDictionary<CollectionKey, CollectionIndex> collections,
        Dictionary<CollectionKey, List<string>> removed,
        Dictionary<CollectionKey, List<DocumentEntry>> added,
        EmbeddedIndexOptions options)
    {
        foreach (var key in removed.Keys.Union(added.Keys).ToList())
        {
            var gone = removed.GetValueOrDefault(key) ?? [];
            var fresh = added.GetValueOrDefault(key) ?? [];
            IEnumerable<DocumentEntry> Members() => documents.Values.Where(d => d.Key == key && !d.Chunks.IsEmpty);
            CollectionIndex? next;
            if (collections.TryGetValue(key, out var current))
            {
                next = current.Apply(gone, fresh, Members);
            }
            else
            {
                next = fresh.Any(d => !d.Chunks.IsEmpty) ? CollectionIndex.Build(fresh, options) : null;
            }
            collections = next is null ? collections.Remove(key) : collections.SetItem(key, next);
        }
        return collections;
    }

    private static void Add<T>(Dictionary<CollectionKey, List<T>> map, CollectionKey key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        list.Add(value);
    }
}
