using System.Globalization;

namespace AiAspire.Bench;

/// <summary>
/// The options of a service bench's <c>http</c> mode (compiled into each): points of <c>--duration</c> seconds after
/// <c>--warmup</c>, at each <c>--concurrency</c>, closed-loop or paced to <c>--rate</c> calls/s, on the <c>--calls</c>
/// named, against the built service (Release, or another build given by the service's own option) started with
/// <c>--set</c> environment variables on top of the bench's.
/// </summary>
internal sealed record HttpRunOptions(
    TimeSpan Duration, TimeSpan Warmup, int[] Concurrency, double? Rate, IReadOnlySet<string>? Calls, string Dll,
    IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>
    /// Parses <paramref name="args"/>, or writes the usage (or what to build first) to standard error and returns null.
    /// </summary>
    /// <param name="service">How the bench names the service: its dll option (<c>--guard</c>) and in the usage.</param>
    /// <param name="project">The service's project, whose Release build is run unless another dll is given.</param>
    /// <param name="calls">The names <c>--calls</c> takes, for the usage.</param>
    public static HttpRunOptions? Parse(string[] args, string service, string project, string calls)
    {
        var duration = TimeSpan.FromSeconds(3);
        var warmup = TimeSpan.FromSeconds(1);
        int[] concurrency = [1, 16];
        double? rate = null;
        string? dll = null;
        HashSet<string>? only = null;
        var settings = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--duration":
                    duration = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
                    break;
                case "--warmup":
                    warmup = TimeSpan.FromSeconds(double.Parse(args[i + 1], CultureInfo.InvariantCulture));
                    break;
                case "--rate":
                    rate = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--concurrency":
                    concurrency = [.. args[i + 1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
                    break;
                case "--calls":
                    only = [.. args[i + 1].Split(',')];
                    break;
                case "--set" when args[i + 1].Split('=', 2) is [var key, var value]:
                    settings[key] = value;
                    break;
                case var option when option == "--" + service:
                    dll = Path.GetFullPath(args[i + 1]);
                    break;
                default:
                    Console.Error.WriteLine(
                        $"Options: http [--duration s] [--warmup s] [--concurrency 1,16] [--rate calls/s] [--calls {calls}] [--{service} other/{project}.dll] [--set KEY=VALUE ({service} environment)]");
                    return null;
            }
        }

        dll ??= Path.Combine(ServiceBench.RepositoryRoot(), project, "bin", "Release", "net10.0", project + ".dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"Build the {service} first: dotnet build {project} -c Release");
            return null;
        }
        return new HttpRunOptions(duration, warmup, concurrency, rate, only, dll, settings);
    }
}
