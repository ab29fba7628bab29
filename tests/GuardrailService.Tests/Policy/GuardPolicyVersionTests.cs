using AiAspire.GuardrailService.Policy;
using Microsoft.Extensions.Configuration;

namespace AiAspire.GuardrailService.Tests.Policy;

public sealed class GuardPolicyVersionTests
{
    private static IConfigurationRoot Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void SameSettings_GiveTheSameVersion_WhateverTheirOrderOrKeyCase()
    {
        var a = GuardPolicyVersion.Compute(Configuration(
            ("Guardrails:Policy:Default:PiiDefault", "Mask"), ("Guardrails:Pii:MinScore", "0.5")));
        var b = GuardPolicyVersion.Compute(Configuration(
            ("guardrails:pii:minscore", "0.5"), ("GUARDRAILS:POLICY:DEFAULT:PIIDEFAULT", "Mask")));

        Assert.Equal(a, b);
        Assert.Matches("^[0-9a-f]{16}$", a);
    }

    [Theory]
    [InlineData("Guardrails:Policy:Tenants:acme:Pii:EMAIL_ADDRESS", "Block")]
    [InlineData("Guardrails:Policy:Default:Content:Threshold", "0.7")]
    [InlineData("Guardrails:SystemPromptLeak:MinWords", "12")]
    [InlineData("Guardrails:Injection:Classifier:Mode", "Always")]
    public void AnyChangedGuardSetting_ChangesTheVersion(string key, string value)
    {
        (string, string)[] baseline = [("Guardrails:Policy:Default:PiiDefault", "Mask")];

        Assert.NotEqual(
            GuardPolicyVersion.Compute(Configuration(baseline)),
            GuardPolicyVersion.Compute(Configuration([.. baseline, (key, value)])));
    }

    [Fact]
    public void SettingsOutsideTheGuardrails_DoNotChangeIt()
    {
        (string, string)[] baseline = [("Guardrails:Policy:Default:PiiDefault", "Mask")];

        Assert.Equal(
            GuardPolicyVersion.Compute(Configuration(baseline)),
            GuardPolicyVersion.Compute(Configuration([.. baseline, ("Logging:LogLevel:Default", "Debug")])));
    }

    [Fact]
    public void ReloadedConfiguration_ChangesTheCurrentVersion()
    {
        var configuration = Configuration(("Guardrails:Policy:Default:PiiDefault", "Mask"));
        using var version = new GuardPolicyVersion(configuration);
        var before = version.Current;

        configuration["Guardrails:Policy:Default:PiiDefault"] = "Block";
        configuration.Reload();

        Assert.NotEqual(before, version.Current);
        Assert.Equal(GuardPolicyVersion.Compute(configuration), version.Current);
    }
}
