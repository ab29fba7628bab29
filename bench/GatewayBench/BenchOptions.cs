using System.Globalization;

namespace AiAspire.GatewayBench;

internal sealed record BenchOptions(int Requests, int[] Concurrency, string? Redis, string? Gateway)
{
    public static BenchOptions Parse(string[] args)
    {
        var requests = 5000;
        int[] concurrency = [1, 8];
        string? redis = null;
        string? gateway = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--requests":
                    requests = Math.Clamp(int.Parse(args[i + 1], CultureInfo.InvariantCulture), 100, 1_000_000);
                    break;
                case "--concurrency":
                    concurrency = [.. args[i + 1].Split(',').Select(c => Math.Clamp(int.Parse(c, CultureInfo.InvariantCulture), 1, 256))];
                    break;
                case "--redis":
                    redis = args[i + 1];
                    break;
                case "--gateway":
                    gateway = Path.GetFullPath(args[i + 1]);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}");
            }
        }
        return new BenchOptions(requests, concurrency, redis, gateway);
    }
}
