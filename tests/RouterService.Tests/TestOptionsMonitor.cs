using Microsoft.Extensions.Options;

namespace AiAspire.RouterService.Tests;

/// <summary>A fixed options value, for constructing services without a host.</summary>
internal sealed class TestOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
