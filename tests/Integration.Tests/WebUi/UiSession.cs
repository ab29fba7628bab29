using AiAspire.TestKit;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AiAspire.Integration.Tests.WebUi;

/// <summary>
/// One headless Chromium page on the platform's gateway. Every wait is bounded; page errors and console errors
/// (a CSP violation shows as one) are collected so a test can assert the page ran cleanly; screenshots are written to
/// <c>TestResults/screenshots/webui</c> at the repository root, and one is taken whenever a test body fails.
/// </summary>
public sealed class UiSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Generous: a loaded 2-core machine runs MiniLM, the guard and the platform beside the browser.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string ScreenshotFolder { get; } = Path.Combine(RepositoryPaths.Root, "TestResults", "screenshots", "webui");

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly IBrowserContext _context;
    private readonly ITestOutputHelper _output;

    private UiSession(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, ITestOutputHelper output)
    {
        _playwright = playwright;
        _browser = browser;
        _context = context;
        _output = output;
        Page = page;
        page.PageError += (_, error) => Errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add("console error: " + message.Text);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Uncaught script errors and console errors seen so far.</summary>
    public List<string> Errors { get; } = [];

    public static async Task<UiSession> StartAsync(PlatformFixture platform, ITestOutputHelper output, int width = 1280, int height = 900)
    {
        // The package's driver must never fetch browsers: the Debian build is the only one used.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Timeout = (float)Timeout.TotalMilliseconds,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = platform.GatewayAddress.ToString(),
                ViewportSize = new ViewportSize { Width = width, Height = height },
            });
            context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
            var page = await context.NewPageAsync();
            return new UiSession(playwright, browser, context, page, output);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens the UI and enters <paramref name="apiKey"/> as a user would.</summary>
    public async Task OpenWithKeyAsync(string apiKey = PlatformFixture.DevApiKey, string view = "")
    {
        await Page.GotoAsync("/" + (view.Length > 0 ? "#" + view : ""));
        await Page.GetByLabel("API key").FillAsync(apiKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Use key" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#key-status")).ToContainTextAsync("Key in use");
    }

    /// <summary>Runs <paramref name="body"/>; on failure saves a screenshot named after the test, then rethrows.</summary>
    public async Task RunAsync(string name, Func<IPage, Task> body)
    {
        try
        {
            await body(Page);
        }
        catch
        {
            await ScreenshotAsync(name + "-failure");
            _output.WriteLine("Errors in the page: " + string.Join(" | ", Errors));
            throw;
        }
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 30_000 });
            _output.WriteLine("Screenshot: " + path);
        }
        catch (PlaywrightException ex)
        {
            _output.WriteLine($"Screenshot {name} failed: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
