using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using Microsoft.Extensions.AI;
using OpenAI;

namespace AiAspire.RouterService.Providers;

/// <summary>
/// One <see cref="IChatClient"/> adapter per deployment, built once per configuration of that deployment
/// (a catalog edit replaces it; requests still using the old one finish with it, then it is left to the GC).
/// </summary>
public sealed class ChatClientFactory(OfflineChatClient offline, ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, (ClientKey Key, IChatClient Client)> _clients = new(StringComparer.OrdinalIgnoreCase);

    public IChatClient Get(Deployment deployment)
    {
        if (!deployment.IsAvailable)
        {
            throw new InvalidOperationException($"Deployment {deployment.Name} is unavailable: {deployment.UnavailableReason}.");
        }

        var key = new ClientKey(deployment.Name, deployment.Options.Provider, deployment.Endpoint, deployment.ModelId, deployment.ApiKey);
        if (_clients.TryGetValue(deployment.Name, out var cached) && cached.Key == key)
        {
            return cached.Client;
        }
        var client = Create(key);
        _clients[deployment.Name] = (key, client);
        return client;
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
        var options = new OpenAIClientOptions
        {
            NetworkTimeout = TimeSpan.FromSeconds(100),
            // The router's fallback is the retry: one call per recorded attempt, and a failing deployment is left at once.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
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
