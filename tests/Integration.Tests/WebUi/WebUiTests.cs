using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.WebUi;

/// <summary>The web UI served by the gateway, driven in Debian's Chromium against the running platform.</summary>
[Collection(PlatformCollection.Name)]
public sealed class WebUiTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Returns = """
        # Lakeside Outfitters returns policy

        ## Refunds
        Unworn items can be returned within 30 days of delivery. Refunds are issued to the original payment method within 14 days of receiving the return.

        ## Exchanges
        Exchanges for another size are free and ship within two business days.
        """;

    [Fact]
    public async Task TheUi_IsServedWithoutAKey_WhileTheApiStillNeedsOne()
    {
        using var anonymous = platform.CreateClient(apiKey: null);

        var page = await anonymous.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>AiAspire</title>", html);
        Assert.Contains("default-src 'self'", string.Join(";", page.Headers.GetValues("Content-Security-Policy")));

        var script = await anonymous.GetAsync("/js/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);

        var documents = await anonymous.GetAsync("/api/documents");
        Assert.Equal(HttpStatusCode.Unauthorized, documents.StatusCode);
        Assert.Equal("application/problem+json", documents.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/js/missing.js")).StatusCode);
    }

    [BrowserFact]
    public async Task UploadedDocument_IsListed_AndAStreamedAnswerAboutItCitesIt()
    {
        var collection = "webui-" + Guid.NewGuid().ToString("N")[..12];
        await using var ui = await UiSession.StartAsync(platform, output);
        await ui.RunAsync(nameof(UploadedDocument_IsListed_AndAStreamedAnswerAboutItCitesIt), async page =>
        {
            await ui.OpenWithKeyAsync();

            await page.GetByRole(AriaRole.Link, new() { Name = "Documents" }).ClickAsync();
            await page.GetByLabel("Collection filter").FillAsync(collection);
            await page.Locator("#upload-collection").FillAsync(collection);
            await page.GetByLabel("Files (.txt, .md, .html, .pdf, .json)").SetInputFilesAsync(new FilePayload
            {
                Name = "lakeside-returns.md",
                MimeType = "text/markdown",
                Buffer = Encoding.UTF8.GetBytes(Returns),
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
            await Assertions.Expect(page.Locator("#doc-status")).ToContainTextAsync("Ingested");
            var row = page.Locator("[data-testid=document-row]", new() { HasText = "lakeside-returns.md" });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync(collection);
            await ui.ScreenshotAsync("documents-uploaded");

            await page.GetByRole(AriaRole.Link, new() { Name = "Playground" }).ClickAsync();
            await Assertions.Expect(page.Locator("#chat-model option[value=local]")).ToHaveCountAsync(1);
            await page.GetByLabel("Model or route").SelectOptionAsync("local");
            await page.GetByLabel("Retrieval").SelectOptionAsync("on");
            await page.Locator("#chat-collection").FillAsync(collection);
            await page.GetByLabel("Message").FillAsync("How long does it take to get my refund?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

            var answer = page.Locator("[data-testid=answer]").Last;
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "done");
            await Assertions.Expect(answer.Locator("[data-testid=answer-text]")).ToContainTextAsync("within 14 days");
            Assert.True(int.Parse(await answer.GetAttributeAsync("data-deltas") ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= 1,
                "the answer arrived without any streamed delta");
            await Assertions.Expect(answer.Locator("[data-testid=meta-model]")).ToContainTextAsync("local");
            await Assertions.Expect(answer.Locator("[data-testid=meta-cache]")).ToHaveTextAsync("miss");

            var citation = answer.Locator("[data-testid=citation]", new() { HasText = "lakeside-returns.md" }).First;
            await citation.ClickAsync();
            await Assertions.Expect(citation).ToHaveAttributeAsync("aria-expanded", "true");
            await Assertions.Expect(answer.Locator("[data-testid=chunk-text]").First)
                .ToContainTextAsync("Refunds are issued to the original payment method");
            await ui.ScreenshotAsync("playground-cited-answer");
            Assert.Empty(ui.Errors);
        });
    }

    [BrowserFact]
    public async Task PastedText_IsListed_AndDeletedFromTheList()
    {
        var collection = "webui-" + Guid.NewGuid().ToString("N")[..12];
        var id = "pasted-" + Guid.NewGuid().ToString("N")[..8];
        await using var ui = await UiSession.StartAsync(platform, output);
        await ui.RunAsync(nameof(PastedText_IsListed_AndDeletedFromTheList), async page =>
        {
            await ui.OpenWithKeyAsync(view: "documents");

            await page.GetByLabel("Collection filter").FillAsync(collection);
            await page.Locator("#doc-collection").FillAsync(collection);
            await page.GetByLabel("Document id (optional)").FillAsync(id);
            await page.GetByLabel("Source name (optional, e.g. handbook.md)").FillAsync("opening-hours.txt");
            await page.GetByLabel("Text", new() { Exact = true }).FillAsync("The Lakeside store opens at 9 am and closes at 6 pm on weekdays.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ingest text" }).ClickAsync();

            await Assertions.Expect(page.Locator("#doc-status")).ToContainTextAsync($"Ingested {id} in {collection}: created");
            var row = page.Locator($"[data-testid=document-row][data-id='{id}']");
            await Assertions.Expect(row).ToContainTextAsync("opening-hours.txt");
            await ui.ScreenshotAsync("documents-pasted");

            await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {id}" }).ClickAsync();
            await Assertions.Expect(page.Locator("#doc-status")).ToContainTextAsync($"Deleted {id}.");
            await Assertions.Expect(row).ToHaveCountAsync(0);
            Assert.Empty(ui.Errors);
        });

        using var client = platform.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/documents/{id}")).StatusCode);
    }

    [BrowserFact]
    public async Task ACorrection_ShowsAsAThumbsDownOnTheDashboard_WhichRefreshesItself()
    {
        using var client = platform.CreateClient();
        var before = await FeedbackDownAsync(client, "local");
        await using var ui = await UiSession.StartAsync(platform, output);
        await ui.RunAsync(nameof(ACorrection_ShowsAsAThumbsDownOnTheDashboard_WhichRefreshesItself), async page =>
        {
            await ui.OpenWithKeyAsync();
            await Assertions.Expect(page.Locator("#chat-model option[value=local]")).ToHaveCountAsync(1);
            await page.GetByLabel("Model or route").SelectOptionAsync("local");
            await page.GetByLabel("Retrieval").SelectOptionAsync("off");
            await page.GetByLabel("Message").FillAsync($"Say something I can rate ({Guid.NewGuid():N}).");
            await page.GetByLabel("Message").PressAsync("Control+Enter");

            var answer = page.Locator("[data-testid=answer]").Last;
            await Assertions.Expect(answer).ToHaveAttributeAsync("data-state", "done");
            await answer.GetByText("Suggest a correction").ClickAsync();
            await answer.GetByLabel("Comment (optional)").FillAsync("Too vague.");
            await answer.GetByLabel("The answer you expected").FillAsync("A concrete example.");
            await answer.GetByRole(AriaRole.Button, new() { Name = "Send correction" }).ClickAsync();
            await Assertions.Expect(answer.Locator("[data-testid=feedback-status]")).ToHaveTextAsync("Thanks: rated not helpful.");
            await Assertions.Expect(answer.Locator("[data-testid=thumbs-down]")).ToHaveAttributeAsync("aria-pressed", "true");

            await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
            await page.GetByLabel("Refresh every").SelectOptionAsync("5");
            await Assertions.Expect(page.Locator("[data-testid=chart-requests] svg")).ToHaveCountAsync(1);
            // No click on "Refresh now": the dashboard must pick the new rating up by itself.
            await Assertions.Expect(page.Locator("[data-testid=model-row][data-model=local] [data-testid=feedback-down]"))
                .ToHaveTextAsync((before + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 90_000 });
            await ui.ScreenshotAsync("dashboard");
            Assert.Empty(ui.Errors);
        });
    }

    [BrowserFact]
    public async Task OnANarrowScreen_NothingScrollsSideways_AndTheKeyboardStartsAtTheSkipLink()
    {
        await using var ui = await UiSession.StartAsync(platform, output, width: 375, height: 740);
        await ui.RunAsync(nameof(OnANarrowScreen_NothingScrollsSideways_AndTheKeyboardStartsAtTheSkipLink), async page =>
        {
            await ui.OpenWithKeyAsync();
            foreach (var view in new[] { "Playground", "Documents", "Dashboard" })
            {
                await page.GetByRole(AriaRole.Link, new() { Name = view }).ClickAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = view, Level = 2 })).ToBeVisibleAsync();
                // Measure with the view's data in place: model list, document table, charts and tables.
                await Assertions.Expect(page.Locator(view switch
                {
                    "Playground" => "#chat-model[data-loaded=true]",
                    "Documents" => "#doc-table tbody tr",
                    _ => "[data-testid=chart-requests] svg",
                }).First).ToBeAttachedAsync();
                var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                Assert.True(overflow <= 0, $"{view} scrolls sideways by {overflow} px at 375 px wide");
                await ui.ScreenshotAsync("narrow-" + view.ToLowerInvariant());
            }

            await page.ReloadAsync();
            await page.Keyboard.PressAsync("Tab");
            await Assertions.Expect(page.Locator(":focus")).ToHaveTextAsync("Skip to content");
            await page.Keyboard.PressAsync("Tab");
            await Assertions.Expect(page.Locator(":focus")).ToHaveAttributeAsync("id", "api-key");
            await page.Keyboard.PressAsync("Shift+Tab");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(":focus")).ToHaveAttributeAsync("id", "main");
            await Assertions.Expect(page.Locator("#view-dashboard")).ToBeVisibleAsync();
            Assert.Empty(ui.Errors);
        });
    }

    private static async Task<long> FeedbackDownAsync(HttpClient client, string model)
    {
        var comparison = await client.GetFromJsonAsync<JsonElement>("/api/quality/models");
        foreach (var entry in comparison.GetProperty("models").EnumerateArray())
        {
            if (entry.GetProperty("model").GetString() == model)
            {
                return entry.GetProperty("feedbackDown").GetInt64();
            }
        }
        return 0;
    }
}
