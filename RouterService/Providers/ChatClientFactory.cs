using System.ClientModel;
using System.Collections.Concurrent;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AiAspire.RouterService.Providers;

/// <summary>
/// One <see cref="IChatClient"/> adapter per deployment, built once per configuration of that deployment
/// (a catalog edit yields a new client; the old one is left to the GC).
/// </summary>
public sealed class ChatClientFactory(OfflineChatClient offline, ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<ClientKey, IChatClient> _clients = new();

    public IChatClient Get(Deployment deployment)
    {
        if (!deployment.IsAvailable)
        {
            throw new InvalidOperationException($"Deployment {deployment.Name} is unavailable: {deployment.UnavailableReason}.");
        }

        var key = new ClientKey(deployment.Name, deployment.Options.Provider, deployment.Endpoint, deployment.ModelId, deployment.ApiKey);
        return _clients.GetOrAdd(key, static (k, factory) => factory.Create(k), this);
    }

    private IChatClient Create(ClientKey key)
    {
        var inner = key.Provider switch
        {
            ProviderNames.Offline => offline,
            ProviderNames.OpenAI or ProviderNames.OpenAICompatible => CreateOpenAI(key),
            _ => throw new InvalidOperationException($"No adapter for provider {key.Provider}."),
        };

        return inner.AsBuilder()
            .UseOpenTelemetry(loggerFactory, sourceName: RouterTelemetry.Name)
            .Build();
    }

    private static IChatClient CreateOpenAI(ClientKey key)
    {
        var options = new OpenAIClientOptions { NetworkTimeout = TimeSpan.FromSeconds(100) };
        if (key.Endpoint is not null)
        {
            options.Endpoint = new Uri(key.Endpoint);
        }
        return new OpenAIClient(new ApiKeyCredential(key.ApiKey!), options)
            .GetChatClient(key.ModelId)
            .AsIChatClient();
    }

    private sealed record ClientKey(string Name, string Provider, string? Endpoint, string ModelId, string? ApiKey);
}
