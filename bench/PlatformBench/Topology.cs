namespace AiAspire.PlatformBench;

/// <summary>
/// How AiAspire's services are laid out for a run: as separate services (the orchestrator calls GuardrailService and
/// RouterService over HTTP, as deployed by default), or co-located (the orchestrator runs the guard and router engines
/// in its own process: AppHost's <c>Orchestrator:ColocateGuardrails</c> and <c>Orchestrator:ColocateRouter</c>; the two
/// services still run, off the request's path).
/// </summary>
/// <param name="Name">As <c>--topology</c> takes it.</param>
/// <param name="Suffix">Appended to the labels of its rows and processes; empty for the default layout, so that
/// its rows read as in earlier runs.</param>
internal sealed record Topology(string Name, string Suffix)
{
    public static readonly Topology Services = new("services", "");

    public static readonly Topology Colocated = new("colocated", " colocated");

    public static readonly IReadOnlyList<Topology> All = [Services, Colocated];

    /// <summary>A row or process label of this topology: <c>aiaspire</c>, <c>aiaspire colocated</c>.</summary>
    public string Label(string name) => name + Suffix;
}
