using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiAspire.Gateway.RateLimiting;

/// <summary>
/// Admission taken one request ahead, so a key's steady traffic does not wait on Redis before every call.
/// <para>
/// <b>How.</b> When a request has settled and the same limits settled less than <see cref="RateLimitOptions.CreditHold"/>
/// before, the replica takes the next request's admission right away. This is an ordinary acquire under a fresh id (a
/// credit), sent after the settle on the same connection, so it sees what that request used and spent. The next request
/// with the same limits, reserving no more tokens, takes the credit, granted or still in flight, instead of acquiring
/// its own; it settles against the credit's id, second and reservation. A credit nobody takes within the hold is given
/// back: its counts leave the windows and its concurrency slots are freed.
/// </para>
/// <para>
/// <b>Limits hold exactly.</b> Nothing is admitted without first being debited in Redis, so no limit is ever exceeded.
/// </para>
/// <para>
/// <b>What credits may cost.</b> A credit held by one replica counts against everyone for up to the hold, so a request
/// elsewhere could be refused that would otherwise have fitted. To keep that away from any limit in use, a credit is
/// granted only while each window and concurrency limit stays at most half taken with it. A request this replica refuses
/// takes the replica's own credit for the same limits instead. Budgets are checked as for any request.
/// </para>
/// </summary>
public sealed partial class AdmissionCredits(
    RedisRateLimiter limiter, IOptionsMonitor<RateLimitOptions> options, TimeProvider time, ILogger<AdmissionCredits> logger)
{
    private const int MaxTracked = 4096;

    private static readonly Meter Meter = new("AiAspire.Gateway");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("aiaspire.gateway.admission_credits", "{credit}",
        "Admission credits by what became of them: used, released (held unused) or denied (limits more than half taken).");

    private readonly ConcurrentDictionary<string, Track> _tracks = new(StringComparer.Ordinal);
    private long _used;
    private long _released;
    private long _denied;

    /// <summary>Requests admitted on a credit.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Credits given back unused.</summary>
    public long Released => Interlocked.Read(ref _released);

    /// <summary>Credits Redis refused: some limit would have been more than half taken.</summary>
    public long Denied => Interlocked.Read(ref _denied);

    /// <summary>Credits held now, granted or in flight.</summary>
    public int Held => _tracks.Values.Count(track => Volatile.Read(ref track.Pending) is not null);

    /// <summary>What identifies a request's limits: each one's kind, key and size, not the tokens it reserves.</summary>
    public static string Signature(IReadOnlyList<LimitCheck> checks)
    {
        var signature = new StringBuilder(checks.Count * 64);
        foreach (var check in checks)
        {
            signature.Append((int)check.Kind).Append(' ').Append(check.Limit).Append(' ').Append(check.RedisKey).Append('\n');
        }
        return signature.ToString();
    }

    /// <summary>
    /// This replica's credit for these limits, once granted (waited for when still in flight), or null: none held,
    /// refused, failed, held too long, or reserving fewer tokens than <paramref name="reservedTokens"/>.
    /// </summary>
    public async ValueTask<AdmissionCredit?> TakeAsync(string signature, long reservedTokens)
    {
        if (!_tracks.TryGetValue(signature, out var track))
        {
            return null;
        }
        Pending? pending;
        lock (track)
        {
            pending = track.Pending;
            track.Pending = null;
        }
        if (pending is null)
        {
            return null;
        }
        pending.Expiry?.Dispose();
        var credit = await pending.Credit;
        if (credit is null)
        {
            return null;
        }
        if (time.GetElapsedTime(pending.Started) > options.CurrentValue.CreditHold || credit.ReservedTokens < reservedTokens)
        {
            Release(credit, pending.Checks);
            return null;
        }
        Interlocked.Increment(ref _used);
        Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "used"));
        return credit;
    }

    /// <summary>
    /// After a request with these limits has settled (its settle already sent): takes a credit for the next one when
    /// the same limits settled within the hold before, and none is held. Nothing waits for it.
    /// </summary>
    /// <param name="checks">The settled request's limits, its token reservation included; not changed afterwards.</param>
    public void Refill(string signature, IReadOnlyList<LimitCheck> checks, long reservedTokens)
    {
        var settings = options.CurrentValue;
        if (settings.CreditHold <= TimeSpan.Zero)
        {
            return;
        }
        var now = time.GetTimestamp();
        if (!_tracks.TryGetValue(signature, out var track))
        {
            if (_tracks.Count >= MaxTracked)
            {
                ForgetIdle(now, settings.CreditHold);
            }
            track = _tracks.GetOrAdd(signature, static _ => new Track());
        }
        lock (track)
        {
            var steady = track.LastSettled != 0 && time.GetElapsedTime(track.LastSettled, now) <= settings.CreditHold;
            track.LastSettled = now;
            if (!steady || track.Pending is not null || now < track.QuietUntil)
            {
                return;
            }
            var id = Guid.NewGuid().ToString("N");
            Task<RateLimitDecision> acquired;
            try
            {
                acquired = limiter.AcquireAsync(id, settings.ConcurrencyLease, checks, CancellationToken.None, credit: true);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogCreditFailed(logger, ex.Message);
                return;
            }
            var pending = new Pending(track, id, checks, reservedTokens, now);
            pending.Credit = ResolveAsync(pending, acquired, settings.CreditHold);
            track.Pending = pending;
            pending.Expiry = time.CreateTimer(static state =>
            {
                var (owner, held) = ((AdmissionCredits, Pending))state!;
                owner.Expire(held);
            }, (this, pending), settings.CreditHold, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The hold is over and nobody took the credit: it goes back.</summary>
    private void Expire(Pending pending)
    {
        lock (pending.Track)
        {
            if (pending.Track.Pending != pending)
            {
                return;
            }
            pending.Track.Pending = null;
        }
        pending.Expiry?.Dispose();
        _ = ReleaseWhenGrantedAsync(pending);
    }

    private async Task ReleaseWhenGrantedAsync(Pending pending)
    {
        if (await pending.Credit is { } credit)
        {
            Release(credit, pending.Checks);
        }
    }

    /// <summary>
    /// The granted credit, or null: refused (some limit more than half taken) or failed. Either way the limits get no
    /// new credit for one hold, so a busy key near its limits does not pay a refused script per request.
    /// </summary>
    private async Task<AdmissionCredit?> ResolveAsync(Pending pending, Task<RateLimitDecision> acquired, TimeSpan hold)
    {
        try
        {
            var decision = await acquired;
            if (decision.Granted)
            {
                return new AdmissionCredit(pending.Id, decision, pending.ReservedTokens);
            }
            Interlocked.Increment(ref _denied);
            Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "denied"));
        }
        catch (Exception ex)
        {
            // Whatever went wrong (Redis unreachable, the connection closing at shutdown), there is simply no credit: the
            // next request acquires its own and meets the failure there. A slot the credit may have taken ends with its lease.
            LogCreditFailed(logger, ex.Message);
        }
        lock (pending.Track)
        {
            pending.Track.QuietUntil = time.GetTimestamp() + (long)(hold.TotalSeconds * time.TimestampFrequency);
            if (pending.Track.Pending == pending)
            {
                pending.Track.Pending = null;
            }
        }
        pending.Expiry?.Dispose();
        return null;
    }

    private void Release(AdmissionCredit credit, IReadOnlyList<LimitCheck> checks)
    {
        Interlocked.Increment(ref _released);
        Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", "released"));
        try
        {
            var released = limiter.ReleaseAsync(credit.Id, credit.Decision.BucketSecond, checks);
            if (!released.IsCompletedSuccessfully)
            {
                _ = released.ContinueWith(static (task, state) => LogReleaseFailed((ILogger)state!, task.Exception!.GetBaseException().Message), logger,
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Its windows forget it within a minute; its concurrency lease ends on its own.
            LogReleaseFailed(logger, ex.Message);
        }
    }

    /// <summary>Forgets the limits with no credit held that have not settled within the hold.</summary>
    private void ForgetIdle(long now, TimeSpan hold)
    {
        foreach (var (signature, track) in _tracks)
        {
            lock (track)
            {
                if (track.Pending is null && time.GetElapsedTime(track.LastSettled, now) > hold)
                {
                    _tracks.TryRemove(signature, out _);
                }
            }
        }
    }

    /// <summary>One set of limits on this replica: when it last settled, the credit held for it, and until when none is taken.</summary>
    private sealed class Track
    {
        public long LastSettled;
        public long QuietUntil;
        public Pending? Pending;
    }

    private sealed class Pending(Track track, string id, IReadOnlyList<LimitCheck> checks, long reservedTokens, long started)
    {
        public Track Track { get; } = track;

        public string Id { get; } = id;

        /// <summary>The credit once granted; null when refused or failed.</summary>
        public Task<AdmissionCredit?> Credit { get; set; } = Task.FromResult<AdmissionCredit?>(null);

        public IReadOnlyList<LimitCheck> Checks { get; } = checks;

        public long ReservedTokens { get; } = reservedTokens;

        public long Started { get; } = started;

        public ITimer? Expiry { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not take an admission credit: {Reason}")]
    private static partial void LogCreditFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give back an unused admission credit: {Reason}")]
    private static partial void LogReleaseFailed(ILogger logger, string reason);
}

/// <summary>An admission granted ahead: settle the request that takes it against this id, second and reservation.</summary>
public sealed record AdmissionCredit(string Id, RateLimitDecision Decision, long ReservedTokens);
