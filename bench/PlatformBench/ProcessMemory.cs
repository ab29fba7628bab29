using System.Globalization;

namespace AiAspire.PlatformBench;

/// <summary>
/// Finds a service's process by program name below the process its orchestrator (Aspire's DCP) reports, and reads
/// resident set sizes (the working set on Linux) from <c>/proc</c>.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>
    /// <paramref name="pid"/> when it runs <paramref name="program"/>, else the nearest process below it that does (a
    /// launcher such as <c>dotnet run</c> starts the service as its child), else null.
    /// </summary>
    public static int? FindProgram(int pid, string program)
    {
        var level = new List<int> { pid };
        for (var depth = 0; depth < 4 && level.Count > 0; depth++)
        {
            if (level.FirstOrDefault(p => ProgramOf(p) == program) is var match and > 0)
            {
                return match;
            }
            level = [.. AllProcesses().Where(p => level.Contains(ParentOf(p)))];
        }
        return null;
    }

    /// <summary>Whether <paramref name="pid"/> is alive (not gone, not a zombie) and still runs <paramref name="program"/>.</summary>
    public static bool Runs(int pid, string program)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] is not ("Z" or "X") && ProgramOf(pid) == program;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The environment a process started with (<c>/proc/PID/environ</c>); empty once it is gone.</summary>
    public static Dictionary<string, string> EnvironmentOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ")
                .Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(variable => variable.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .GroupBy(pair => pair[0], StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Last()[1], StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Resident set size in bytes, or null once the process is gone.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>
    /// CPU time (user + system, all threads) a process has used so far, or null once it is gone. Read from
    /// <c>/proc/PID/stat</c> in clock ticks of 10 ms (USER_HZ is 100 on Linux).
    /// </summary>
    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // After the last ')': state(0) ppid(1) … utime(11) stime(12).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The processes of the tree that <paramref name="prefix"/> names above <paramref name="pid"/>: from its highest
    /// ancestor running such a program (Aspire's DCP detaches from the AppHost), that one and every process below it
    /// running one too. Empty when no ancestor runs one.
    /// </summary>
    public static List<int> TreeAbove(int pid, string prefix)
    {
        var parents = AllProcesses().ToDictionary(p => p, ParentOf);
        var top = 0;
        for (var at = pid; at > 1 && parents.TryGetValue(at, out var parent); at = parent)
        {
            if (ProgramOf(at) is { } program && program.StartsWith(prefix, StringComparison.Ordinal))
            {
                top = at;
            }
        }
        if (top == 0)
        {
            return [];
        }
        var below = new HashSet<int> { top };
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (child, parent) in parents)
            {
                if (below.Contains(parent) && below.Add(child))
                {
                    grown = true;
                }
            }
        }
        return [.. below.Where(p => ProgramOf(p) is { } program && program.StartsWith(prefix, StringComparison.Ordinal))];
    }

    /// <summary>The program a process runs: an apphost (<c>…/Gateway</c>), a dll under <c>dotnet</c>, or a native binary.</summary>
    private static string? ProgramOf(int pid)
    {
        string[] argv;
        try
        {
            argv = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (argv.Length == 0)
        {
            return null;
        }
        // redis-server rewrites its command line into one "path host:port" string (its process title).
        var executable = Path.GetFileName(argv[0].Split(' ')[0]);
        if (executable == "dotnet")
        {
            // `dotnet exec X.dll` or `dotnet X.dll`; `dotnet run --project X.csproj` (a launcher, not the service) never matches.
            foreach (var argument in argv.Skip(1).Take(4))
            {
                var name = Path.GetFileName(argument);
                if (name.EndsWith(".dll", StringComparison.Ordinal))
                {
                    return name[..^4];
                }
            }
        }
        return executable;
    }

    private static IEnumerable<int> AllProcesses() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
