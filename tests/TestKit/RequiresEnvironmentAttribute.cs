namespace AiAspire.TestKit;

/// <summary>On a test class: its <see cref="ServerFactAttribute"/> tests need an external server, whose address <see cref="Variable"/> names.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresEnvironmentAttribute(string variable) : Attribute
{
    public string Variable { get; } = variable;
}
