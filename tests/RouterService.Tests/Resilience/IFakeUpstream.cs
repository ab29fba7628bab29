namespace AiAspire.RouterService.Tests.Resilience;

/// <summary>A fake provider on 127.0.0.1 speaking one provider's wire protocol, told by a script how to misbehave.</summary>
public interface IFakeUpstream : IAsyncLifetime
{
    /// <summary>The catalog's provider name for it.</summary>
    string Provider { get; }

    /// <summary>The catalog's endpoint for it (set once initialized).</summary>
    string Endpoint { get; }

    /// <summary>Request number (from 1) → what to do with that request.</summary>
    Func<int, Fault> Script { get; set; }

    int Requests { get; }
}
