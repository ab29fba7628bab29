namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The co-located topology: the guard engine inside the orchestrator (<c>Colocation:Guardrails</c>), no GuardrailService.</summary>
public sealed class ColocatedGuardApp() : GuardModeApp(colocated: true);
