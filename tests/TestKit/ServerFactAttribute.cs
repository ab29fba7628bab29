using Xunit;
using Xunit.Sdk;

namespace AiAspire.TestKit;

/// <summary>
/// A fact of a shared behavioural suite (one abstract class, one subclass per backend): it runs, unless its concrete test class
/// is marked <see cref="RequiresEnvironmentAttribute"/> and that variable is unset — then it is reported as skipped, with why,
/// never passed.
/// </summary>
[XunitTestCaseDiscoverer("AiAspire.TestKit.ServerFactDiscoverer", "TestKit")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServerFactAttribute : FactAttribute;
