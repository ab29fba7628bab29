using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace AiAspire.EventBusBench;

/// <summary>
/// The live objects of a running .NET process by type, as dotnet-gcdump takes them: an EventPipe session asks the
/// runtime for a full blocking collection and a walk of what survived it. What grows between two snapshots is what the
/// process keeps; the total is the live heap after a full collection, whatever the GC's sizing leaves committed.
/// </summary>
internal sealed class HeapSnapshot
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    // GC | Type | GCHeapDump | GCHeapCollect | GCHeapAndTypeNames: what dotnet-gcdump enables.
    private const long HeapSnapshotKeywords = 0x1 | 0x80000 | 0x100000 | 0x800000 | 0x1000000;

    private HeapSnapshot(Dictionary<string, TypeTotal> byType) => ByType = byType;

    public IReadOnlyDictionary<string, TypeTotal> ByType { get; }

    public long Bytes => ByType.Values.Sum(t => t.Bytes);

    public long Objects => ByType.Values.Sum(t => t.Count);

    /// <returns>The snapshot, or null when the process could not be walked within <paramref name="timeout"/>.</returns>
    public static async Task<HeapSnapshot?> TakeAsync(int pid, TimeSpan timeout)
    {
        var provider = new EventPipeProvider(RuntimeProvider, EventLevel.Verbose, HeapSnapshotKeywords);
        using var session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false);
        var typeNames = new Dictionary<ulong, string>();
        var totals = new Dictionary<ulong, (long Count, long Bytes)>();
        var induced = -1;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += e =>
        {
            if (induced < 0 && e.Depth == 2 && e.Reason == GCReason.Induced)
            {
                induced = e.Count;
            }
        };
        source.Clr.GCStop += e =>
        {
            if (e.Count == induced)
            {
                done.TrySetResult();
            }
        };
        source.Clr.TypeBulkType += e =>
        {
            for (var i = 0; i < e.Count; i++)
            {
                var type = e.Values(i);
                typeNames[type.TypeID] = type.TypeName;
            }
        };
        source.Clr.GCBulkNode += e =>
        {
            if (induced < 0)
            {
                return;
            }
            for (var i = 0; i < e.Count; i++)
            {
                var node = e.Values(i);
                var (count, bytes) = totals.GetValueOrDefault(node.TypeID);
                totals[node.TypeID] = (count + 1, bytes + (long)node.Size);
            }
        };
        var reader = Task.Run(source.Process);
        var finished = await Task.WhenAny(done.Task, reader, Task.Delay(timeout)) == done.Task;
        // Type names of the walk arrive with it or just after: give them a moment before closing the session.
        await Task.Delay(TimeSpan.FromSeconds(1));
        session.Stop();
        await reader.WaitAsync(TimeSpan.FromSeconds(30));
        if (!finished)
        {
            return null;
        }
        var byType = new Dictionary<string, TypeTotal>(StringComparer.Ordinal);
        foreach (var (id, (count, bytes)) in totals)
        {
            var name = typeNames.GetValueOrDefault(id) ?? $"(type 0x{id:x})";
            var total = byType.GetValueOrDefault(name);
            byType[name] = new TypeTotal(total.Count + count, total.Bytes + bytes);
        }
        return new HeapSnapshot(byType);
    }

    /// <summary>The largest types, and with a baseline, the types that grew most since it.</summary>
    public void Print(TextWriter output, string label, HeapSnapshot? baseline, int top = 10)
    {
        output.WriteLine($"  heap snapshot {label}: live {Bytes / 1048576.0:N1} MiB in {Objects:N0} objects after a full collection");
        foreach (var (name, total) in ByType.OrderByDescending(p => p.Value.Bytes).Take(top))
        {
            output.WriteLine($"    {total.Bytes / 1024.0,10:N0} KiB {total.Count,9:N0}  {name}");
        }
        if (baseline is null)
        {
            return;
        }
        output.WriteLine($"  grew since the previous snapshot: {(Bytes - baseline.Bytes) / 1048576.0:N1} MiB, {Objects - baseline.Objects:N0} objects; most by type:");
        var growth = ByType
            .Select(p => (Name: p.Key, Bytes: p.Value.Bytes - baseline.ByType.GetValueOrDefault(p.Key).Bytes, Count: p.Value.Count - baseline.ByType.GetValueOrDefault(p.Key).Count))
            .Where(g => g.Bytes > 0)
            .OrderByDescending(g => g.Bytes)
            .Take(top);
        foreach (var (name, bytes, count) in growth)
        {
            output.WriteLine($"    {bytes / 1024.0,10:+#,0;-#,0} KiB {count,9:+#,0;-#,0}  {name}");
        }
    }

    internal readonly record struct TypeTotal(long Count, long Bytes);
}
