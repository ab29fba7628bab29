namespace AiAspire.PlatformBench;

/// <summary>One group of rows of the table (a row per concurrency): what to send, in which run, and against what.</summary>
/// <param name="Name">The row label, e.g. <c>portkey</c> or <c>ttft aiaspire colocated</c>.</param>
/// <param name="Baseline">The scenario the overhead is measured against, at <paramref name="BaselineDelayMs"/>.</param>
/// <param name="DelayMs">The fake upstream's delay; null when no upstream call is made (cache hits).</param>
/// <param name="Topology">The AiAspire layout whose run measures it; null for rows without AiAspire (direct, Portkey),
/// measured once, in the first run.</param>
/// <param name="Target">The request, given the platform of the run measuring it (null when no AiAspire runs).</param>
internal sealed record Scenario(string Name, string Baseline, int? DelayMs, int BaselineDelayMs, Topology? Topology, Func<AiAspirePlatform?, Target> Target);
