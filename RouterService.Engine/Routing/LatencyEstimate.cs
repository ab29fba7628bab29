namespace AiAspire.RouterService.Routing;

/// <summary>Moving averages in milliseconds; <see cref="FirstTokenMs"/> is null until a stream has been observed.</summary>
/// <param name="Samples">Calls observed, by this replica and the others that shared theirs.</param>
/// <param name="OtherReplicas">How many other router replicas' observations are folded in (shared through Redis).</param>
public sealed record LatencyEstimate(double? FirstTokenMs, double TotalMs, long Samples, int OtherReplicas = 0);
