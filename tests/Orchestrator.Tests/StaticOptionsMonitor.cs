using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Tests;

/// <summary>Options that never change, for steps constructed directly.</summary>
internal sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
