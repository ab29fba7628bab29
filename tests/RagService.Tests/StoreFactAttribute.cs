using Xunit.Sdk;

namespace AiAspire.RagService.Tests;

/// <summary>A fact of the shared store behaviour: skipped for a test class whose <see cref="RequiresEnvironmentAttribute"/> is unmet.</summary>
[XunitTestCaseDiscoverer("AiAspire.RagService.Tests.StoreFactDiscoverer", "RagService.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
