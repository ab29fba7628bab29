using AiAspire.TestKit;

namespace AiAspire.Integration.Tests;

/// <summary>
/// What the end-to-end tests need from a running platform, whichever topology it runs in: the same tests run against
/// the services topology (<see cref="PlatformFixture"/>) and the co-located one (<see cref="Colocated.ColocatedFixture"/>).
/// </summary>
public interface IWholePlatform
{
    /// <summary>The fake OpenAI-compatible upstream, configured as the deployment <see cref="WholeApp.FakeDeployment"/>.</summary>
    FakeOpenAIServer Upstream { get; }

    /// <summary>The gateway's address: everything the tests do goes through it.</summary>
    Uri GatewayAddress { get; }

    /// <summary>A client for the gateway; with <paramref name="apiKey"/> it authenticates as that key.</summary>
    HttpClient CreateClient(string? apiKey = PlatformFixture.DevApiKey);
}
