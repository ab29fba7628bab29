using System.Diagnostics;
using Xunit;

namespace AiAspire.TestKit;

/// <summary>Polls until a condition holds or a deadline passes, so no test can hang on something asynchronous.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Reads until the value satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds} s waiting until {what}; last value: {value}");
            }
            await Task.Delay(PollInterval);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        MatchesAsync(condition, holds => holds, what, timeout);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);
}
