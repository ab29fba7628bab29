namespace AiAspire.Integration.Tests.WebUi;

/// <summary>
/// A test that drives Debian's Chromium: reported as skipped, with why, when <see cref="UiSession.ChromiumPath"/> is
/// missing (never passed without having run).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(UiSession.ChromiumPath))
        {
            Skip = $"{UiSession.ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser tests.";
        }
    }
}
