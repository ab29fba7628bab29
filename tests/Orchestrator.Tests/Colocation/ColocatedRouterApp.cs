namespace AiAspire.Orchestrator.Tests.Colocation;

/// <summary>The router's engine inside the orchestrator (<c>Colocation:Router=true</c>), configured through the orchestrator.</summary>
public sealed class ColocatedRouterApp : RouterModeApp
{
    protected override Task StartRouterAsync(IReadOnlyDictionary<string, string> router, Dictionary<string, string> orchestrator)
    {
        foreach (var (key, value) in router)
        {
            orchestrator[key] = value;
        }
        orchestrator["Colocation:Router"] = "true";
        return Task.CompletedTask;
    }
}
