namespace AiAspire.PlatformBench;

/// <summary>Samples the resident set of each named process once per <c>interval</c>, tagging samples with the phase running.</summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, int> _processes;
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemorySampler(IReadOnlyDictionary<string, int> processes, TimeSpan interval)
    {
        _processes = processes;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                TakeSample();
            }
            while (await WaitAsync(timer));
        });
    }

    /// <summary>What is running now; samples taken meanwhile carry it.</summary>
    public string Phase { get; set; } = "idle";

    public IReadOnlyCollection<string> Processes => [.. _processes.Keys];

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public void TakeSample()
    {
        var phase = Phase;
        var at = DateTimeOffset.UtcNow;
        foreach (var (name, pid) in _processes)
        {
            if (ProcessMemory.ResidentBytes(pid) is { } bytes)
            {
                lock (_samples)
                {
                    _samples.Add(new Sample(at, phase, name, bytes));
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public sealed record Sample(DateTimeOffset At, string Phase, string Process, long Bytes);
}
