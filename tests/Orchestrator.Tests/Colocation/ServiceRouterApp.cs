namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>RouterService in its own host on 127.0.0.1, called over HTTP as in the default topology.</summary>
public sealed class ServiceRouterApp() : RouterModeApp(colocated: false);
