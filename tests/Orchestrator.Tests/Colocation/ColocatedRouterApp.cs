namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The router's engine inside the orchestrator (<c>Colocation:Router=true</c>), configured through the orchestrator.</summary>
public sealed class ColocatedRouterApp() : RouterModeApp(colocated: true);
