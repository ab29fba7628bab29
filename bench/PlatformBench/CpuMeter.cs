namespace AiAspire.PlatformBench;

/// <summary>
/// CPU time each process group used while a point was measured (from <c>/proc</c>, so it counts work whatever else
/// loads the machine): divided by the requests served, it says what one request costs each process — the figure that
/// bounds requests/s on a machine whose cores the whole platform shares.
/// </summary>
internal sealed class CpuMeter(IReadOnlyDictionary<string, int[]> groups)
{
    private Dictionary<string, TimeSpan> _start = [];

    public IEnumerable<string> Groups => groups.Keys;

    /// <summary>Marks the start of the measured interval.</summary>
    public void Start() => _start = Read();

    /// <summary>CPU used by each group since <see cref="Start"/>; a group whose processes are gone is left out.</summary>
    public Dictionary<string, TimeSpan> Stop()
    {
        var end = Read();
        return end.Where(e => _start.ContainsKey(e.Key)).ToDictionary(e => e.Key, e => e.Value - _start[e.Key]);
    }

    private Dictionary<string, TimeSpan> Read()
    {
        var now = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (name, pids) in groups)
        {
            var times = pids.Select(ProcessMemory.CpuTime).ToList();
            if (times.All(t => t is not null))
            {
                now[name] = times.Aggregate(TimeSpan.Zero, (sum, t) => sum + t!.Value);
            }
        }
        return now;
    }
}
