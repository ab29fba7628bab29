using Xunit.Abstractions;
using Xunit.Sdk;

namespace AiAspire.EventBus.Tests;

/// <summary>
/// A fact of the shared transport suite: it runs, unless its concrete test class is marked
/// <see cref="RequiresEnvironmentAttribute"/> and that variable is unset — then it is reported as skipped, with why.
/// </summary>
[XunitTestCaseDiscoverer("AiAspire.EventBus.Tests.BusFactDiscoverer", "EventBus.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BusFactAttribute : FactAttribute;

/// <summary>The tests of this class need an external server, named by <see cref="Variable"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}

public sealed class BusFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var required = testMethod.TestClass.Class
            .GetCustomAttributes(typeof(RequiresEnvironmentAttribute).AssemblyQualifiedName!)
            .Select(a => a.GetConstructorArguments().FirstOrDefault() as string)
            .FirstOrDefault(v => v is not null);
        if (required is not null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(required)))
        {
            return
            [
                new XunitSkippedDataRowTestCase(
                    DiagnosticMessageSink,
                    discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(),
                    testMethod,
                    $"{required} is not set: no server to run against here.",
                    testMethodArguments: null),
            ];
        }
        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
