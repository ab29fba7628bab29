namespace AiAspire.RouterService.Routing;

/// <summary>Moving averages in milliseconds; <see cref="FirstTokenMs"/> is null until a stream has been observed.</summary>
public sealed record LatencyEstimate(double? FirstTokenMs, double TotalMs, long Samples);
