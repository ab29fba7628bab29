using System.Globalization;

namespace AiAspire.GatewayBench;

/// <param name="Environment">Extra environment variables for the gateway process (--env NAME=VALUE, repeatable).</param>
internal sealed record BenchOptions(int Requests, int[] Concurrency, string? Redis, string? Gateway, IReadOnlyDictionary<string, string> Environment)
{
    public static BenchOptions Parse(string[] args)
    {
        var requests = 5000;
        int[] concurrency = [1, 8];
        string? redis = null;
        string? gateway = null;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
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
                case "--env":
                    var (name, value) = args[i + 1].Split('=', 2) is [var n, var v] && n.Length > 0
                        ? (n, v)
                        : throw new ArgumentException($"--env takes NAME=VALUE, not {args[i + 1]}");
                    environment[name] = value;
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}");
            }
        }
        return new BenchOptions(requests, concurrency, redis, gateway, environment);
    }
}
