namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary><see cref="RouterModeTests"/> with RouterService called over HTTP (the default).</summary>
public sealed class ServiceRouterTests(ServiceRouterApp app) : RouterModeTests(app), IClassFixture<ServiceRouterApp>;
