namespace AiAspire.PlatformBench;

/// <summary>One measured point of the table.</summary>
/// <param name="Scenario">The row label, e.g. "aiaspire" or "ttft portkey".</param>
/// <param name="DelayMs">The fake upstream's delay; null when no upstream call is made (cache hits).</param>
/// <param name="Baseline">The scenario the overhead is measured against, at <paramref name="BaselineDelayMs"/> and the same concurrency.</param>
internal sealed record PointKey(string Scenario, int? DelayMs, int Concurrency, string Baseline, int BaselineDelayMs);
