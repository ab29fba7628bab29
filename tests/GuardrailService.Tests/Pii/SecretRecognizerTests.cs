using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class SecretRecognizerTests
{
    private const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

    private const string Pem = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu
        KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==
        -----END RSA PRIVATE KEY-----
        """;

    [Theory]
    [InlineData("key sk-proj-abcdefghijklmnopqrstuvwxyz123456 ok", PiiTypes.ApiKey, "sk-proj-abcdefghijklmnopqrstuvwxyz123456")]
    [InlineData("sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", PiiTypes.ApiKey, "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")]
    [InlineData("token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB", PiiTypes.ApiKey, "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB")]
    [InlineData("AKIAIOSFODNN7EXAMPLE in the logs", PiiTypes.AwsAccessKey, "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", PiiTypes.ApiKey, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("Authorization: Bearer " + Jwt, PiiTypes.Jwt, Jwt)]
    [InlineData("Server=db;User Id=sa;Password=Hunter2!;Database=x", PiiTypes.Password, "Hunter2!")]
    [InlineData("{\"password\": \"correct horse\"}", PiiTypes.Password, "correct horse")]
    [InlineData("api_key=a1b2c3d4e5f6g7h8i9j0", PiiTypes.ApiKey, "a1b2c3d4e5f6g7h8i9j0")]
    [InlineData("postgres://admin:s3cret@db.example.com:5432/app", PiiTypes.UrlCredentials, "admin:s3cret")]
    [InlineData("redis://:p4ss@cache:6379", PiiTypes.UrlCredentials, ":p4ss")]
    public void Analyze_Secrets_AreFoundAndOnlyTheSecretIsTheSpan(string text, string type, string expected)
    {
        Assert.Equal([(type, expected)], Found.In(text));
    }

    [Fact]
    public void Analyze_PemBlock_IsOneFindingFromBeginToEnd()
    {
        var text = "here it is:\n" + Pem + "\nthanks";

        Assert.Equal([(PiiTypes.PrivateKey, Pem)], Found.In(text));
    }

    [Fact]
    public void Analyze_PemBlockCutOff_IsMaskedToTheEndOfItsBody()
    {
        var cut = Pem[..Pem.IndexOf("-----END", StringComparison.Ordinal)].TrimEnd();

        Assert.Equal([(PiiTypes.PrivateKey, cut)], Found.In(cut + "\n\nWhat is wrong with it?"));
    }

    [Theory]
    [InlineData("The password: required field")]
    [InlineData("sk-short")]
    [InlineData("https://example.com/path?a=b")]
    [InlineData("Use the api key from the settings page")]
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    public void Analyze_LookAlikes_AreNotSecrets(string text)
    {
        Assert.Empty(Found.In(text));
    }
}
