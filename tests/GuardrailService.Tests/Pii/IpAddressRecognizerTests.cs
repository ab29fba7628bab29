using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Tests.Pii;

public class IpAddressRecognizerTests
{
    [Theory]
    [InlineData("host 10.1.2.3 is down", "10.1.2.3")]
    [InlineData("route 10.0.0.0/8.", "10.0.0.0/8")]
    [InlineData("ping fe80::1%eth0", "fe80::1%eth0")]
    [InlineData("v6 [2001:db8::1]:443", "2001:db8::1")]
    [InlineData("mapped ::ffff:192.0.2.1 here", "::ffff:192.0.2.1")]
    [InlineData("prefix 2001:db8::/200", "2001:db8::")]
    public void Analyze_Addresses_AreFoundWithValidPrefixes(string text, string expected)
    {
        Assert.Equal([expected], Found.Values(text, PiiTypes.IpAddress));
    }

    [Theory]
    [InlineData("at 12:34:56 sharp")]
    [InlineData("std::cout << x")]
    [InlineData("MAC aa:bb:cc:dd:ee:ff")]
    [InlineData("version 1.2.3")]
    [InlineData("300.1.1.1")]
    [InlineData("2001::db8::1")]
    [InlineData("IP192.168.1.1text")]
    public void Analyze_LookAlikes_AreNotAddresses(string text)
    {
        Assert.Empty(Found.Values(text, PiiTypes.IpAddress));
    }
}
