using AiAspire.Orchestrator.Clients;
using Microsoft.Extensions.Options;

namespace AiAspire.Orchestrator.Caching;

/// <summary>
/// The guard policy version the guardrails reported last (<see cref="Contracts.Guard.GuardInputResponse.PolicyVersion"/>)
/// and when. The checked-answer cache keys on it; a version older than <see cref="ExactCacheOptions.GuardPolicyMaxAge"/>
/// is not trusted, so a request then goes through the guards, which report the current one. A changed guard policy
/// therefore stops serving answers checked under the old one at most that long after it changed, and at once when any
/// request of this orchestrator has reached the guards since. A guard engine in this process
/// (<see cref="IGuardrailClient.CurrentPolicyVersion"/>) knows its version without a request: that one is always fresh.
/// </summary>
public sealed class GuardPolicyVersions(TimeProvider clock, IOptionsMonitor<ExactCacheOptions> options, IGuardrailClient? guardrails = null)
{
    private Seen? _seen;

    public void Observe(string? version)
    {
        if (version is { Length: > 0 })
        {
            Volatile.Write(ref _seen, new Seen(version, clock.GetTimestamp()));
        }
    }

    /// <returns>The in-process engine's version; else the last version reported, or null when none was or it is older than the configured age.</returns>
    public string? Fresh() =>
        guardrails?.CurrentPolicyVersion ?? (Volatile.Read(ref _seen) is { } seen && clock.GetElapsedTime(seen.At) <= options.CurrentValue.GuardPolicyMaxAge ? seen.Version : null);

    private sealed record Seen(string Version, long At);
}
