using AiAspire.GuardrailService.Masking;

namespace AiAspire.GuardrailService.Tests.Masking;

public class PiiUnmaskerTests
{
    private static readonly Dictionary<string, string> Vault = new()
    {
        ["<EMAIL_1>"] = "a@example.com",
        ["<CREDIT_CARD_1>"] = "4111 1111 1111 1111",
    };

    [Fact]
    public void Unmask_KnownPlaceholders_AreRestoredEverywhere()
    {
        var result = PiiUnmasker.Unmask("<EMAIL_1> paid with <CREDIT_CARD_1>; confirm to <EMAIL_1>.", Vault);

        Assert.Equal("a@example.com paid with 4111 1111 1111 1111; confirm to a@example.com.", result.Text);
        Assert.Equal((3, 0), (result.Restored, result.Unknown));
    }

    [Fact]
    public void Unmask_PlaceholderNotInVault_IsLeftAsWritten()
    {
        var result = PiiUnmasker.Unmask("<EMAIL_2> and <EMAIL_1> and <email_1> and <EMAIL_>", Vault);

        Assert.Equal("<EMAIL_2> and a@example.com and <email_1> and <EMAIL_>", result.Text);
        Assert.Equal((1, 2), (result.Restored, result.Unknown));
    }

    [Fact]
    public void Unmask_RestoredValueLookingLikeAPlaceholder_IsNotExpandedAgain()
    {
        var vault = new Dictionary<string, string> { ["<EMAIL_1>"] = "<EMAIL_2>", ["<EMAIL_2>"] = "b@example.com" };

        Assert.Equal("<EMAIL_2>!", PiiUnmasker.Unmask("<EMAIL_1>!", vault).Text);
    }
}
