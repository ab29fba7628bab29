namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary><see cref="RouterModeTests"/> with the router's engine in the orchestrator's process (<c>Colocation:Router</c>).</summary>
public sealed class ColocatedRouterTests(ColocatedRouterApp app) : RouterModeTests(app), IClassFixture<ColocatedRouterApp>;
