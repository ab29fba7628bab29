namespace AiAspire.Integration.Tests.Colocated;

// The end-to-end suites, run again with the guard and router engines inside the orchestrator and their services dead.

[Collection(ColocatedCollection.Name)]
public sealed class PiiMaskingColocatedTests(ColocatedFixture platform) : PiiMaskingTests(platform);

[Collection(ColocatedCollection.Name)]
public sealed class OpenAICompatibilityColocatedTests(ColocatedFixture platform) : OpenAICompatibilityTests(platform);

[Collection(ColocatedCollection.Name)]
public sealed class FeedbackLoopColocatedTests(ColocatedFixture platform) : FeedbackLoopTests(platform);

[Collection(ColocatedCollection.Name)]
public sealed class GuardAndRouteColocatedTests(ColocatedFixture platform) : GuardAndRouteTests(platform);
