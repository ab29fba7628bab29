using AiAspire.GuardrailService.Pii;
using AiAspire.GuardrailService.Policy;

namespace AiAspire.GuardrailService.Tests.Policy;

public class GuardPolicyTests
{
    private static readonly GuardPolicyOptions Options = new()
    {
        Default = new TenantPolicy { Pii = new() { [PiiTypes.PrivateKey] = PiiAction.Block } },
        Tenants = new()
        {
            ["acme"] = new TenantPolicy { Pii = new() { [PiiTypes.IpAddress] = PiiAction.Allow, [PiiTypes.PrivateKey] = PiiAction.Mask } },
            ["strict"] = new TenantPolicy { PiiDefault = PiiAction.Block },
        },
    };

    private static readonly GuardPolicy Policy = new(new TestOptionsMonitor<GuardPolicyOptions>(Options));

    [Theory]
    [InlineData("acme", PiiTypes.IpAddress, PiiAction.Allow)]      // the tenant's own rule
    [InlineData("acme", PiiTypes.PrivateKey, PiiAction.Mask)]      // overrides the default's rule
    [InlineData("acme", PiiTypes.Email, PiiAction.Mask)]           // nothing said anywhere: mask
    [InlineData("other", PiiTypes.PrivateKey, PiiAction.Block)]    // no entry: the default policy
    [InlineData("strict", PiiTypes.Email, PiiAction.Block)]        // the tenant's default beats the global rules
    [InlineData("strict", PiiTypes.PrivateKey, PiiAction.Block)]
    public void PiiActionFor_ResolvesTenantThenDefaultThenMask(string tenant, string type, PiiAction expected)
    {
        Assert.Equal(expected, Policy.PiiActionFor(tenant, type));
    }

    [Fact]
    public void Validator_UnknownPiiType_Fails()
    {
        var options = new GuardPolicyOptions { Tenants = new() { ["acme"] = new TenantPolicy { Pii = new() { ["E_MAIL"] = PiiAction.Block } } } };

        var result = new GuardPolicyValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("E_MAIL", result.FailureMessage);
        Assert.True(new GuardPolicyValidator().Validate(null, Options).Succeeded);
    }
}
