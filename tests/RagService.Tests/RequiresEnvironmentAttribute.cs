namespace AiAspire.RagService.Tests;

/// <summary>On a test class: its <see cref="StoreFactAttribute"/> tests are reported skipped (never passed) unless the variable is set.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}
