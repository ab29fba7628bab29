using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AiAspire.Integration.Tests;

[Collection(PlatformCollection.Name)]
public sealed class RetrievalAugmentedAnswerTests(PlatformFixture platform)
{
    private const string Handbook = """
        # Northwind Outfitters customer handbook

        ## Returns and refunds
        Unworn items can be returned within 30 days of delivery. Refunds are issued to the original payment method within 14 days of receiving the return. Gift cards are not refundable.

        ## Shipping
        Standard shipping takes 3 to 5 business days. Express shipping arrives the next business day when ordered before 2 pm.

        ## Warranty
        Every tent carries a two-year warranty against manufacturing defects.
        """;

    [Fact]
    public async Task IngestedDocument_AnswersAQuestion_WithItsCitation()
    {
        using var client = platform.CreateClient();

        var ingest = await client.PostAsJsonAsync("/api/documents", new
        {
            id = "northwind-handbook",
            source = "northwind-handbook.md",
            contentType = "markdown",
            text = Handbook,
        });
        Assert.True(ingest.IsSuccessStatusCode, await ingest.Content.ReadAsStringAsync());

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "local",
            messages = new[] { new { role = "user", content = "How long does it take to get my refund?" } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        var answer = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.Contains("Refunds are issued to the original payment method within 14 days", answer);
        Assert.Contains("[1]", answer);
        Assert.Contains("northwind-handbook.md", answer);
    }
}
