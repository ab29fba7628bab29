using Xunit.Abstractions;
using Xunit.Sdk;

namespace AiAspire.TestKit;

/// <summary>Discovers <see cref="ServerFactAttribute"/> tests; checks the concrete class (not the abstract suite) for its required environment.</summary>
public sealed class ServerFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var variable = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentAttribute).AssemblyQualifiedName!)
            .Select(attribute => attribute.GetConstructorArguments().FirstOrDefault() as string)
            .FirstOrDefault(name => name is not null);
        if (variable is not null && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
        {
            return
            [
                new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                    testMethod, $"{variable} is not set: no server to run against here.", testMethodArguments: null),
            ];
        }
        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
