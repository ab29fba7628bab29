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
