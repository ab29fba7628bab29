using System.Diagnostics;

namespace AiAspire.RouterService.Tests;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds, failing the test after <paramref name="timeout"/>.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Still not true after {timeout.TotalSeconds:0} s: {what}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
