namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The default topology: GuardrailService listening on 127.0.0.1, called over HTTP.</summary>
public sealed class ServiceGuardApp() : GuardModeApp(colocated: false);
