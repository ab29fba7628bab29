using Xunit.Abstractions;
using Xunit.Sdk;

namespace AiAspire.RagService.Tests;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests; checks the concrete class (not the abstract suite) for its required environment.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var variable = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute))
            .Select(attribute => attribute.GetConstructorArguments().Single() as string)
            .FirstOrDefault(name => name is not null);
        if (variable is not null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
        {
            return [new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod, $"{variable} is not set: no server to run against")];
        }
        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
