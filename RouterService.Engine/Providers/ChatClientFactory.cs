using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using AiAspire.RouterService.Catalog;
using AiAspire.RouterService.Offline;
using Microsoft.Extensions.AI;
using Anthropic;
using Azure.AI.OpenAI;
using OpenAI;

namespace AiAspire.RouterService.Providers;

/// <summary>
/// One <see cref="IChatClient"/> adapter per deployment, built once per configuration of that deployment
/// (a catalog edit replaces it; requests still using the old one finish with it, then it is left to the GC).
/// </summary>
public sealed class ChatClientFactory(OfflineChatClient offline, IAzureTokenCredentials azureCredentials, ILoggerFactory loggerFactory, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (ClientKey Key, IChatClient Client)> _clients = new(StringComparer.OrdinalIgnoreCase);

    public IChatClient Get(Deployment deployment)
    {
        if (!deployment.IsAvailable)
        {
            throw new InvalidOperationException($"Deployment {deployment.Name} is unavailable: {deployment.UnavailableReason}.");
        }

        var entraId = DeploymentAuth.IsEntraId(deployment.Options);
        var key = new ClientKey(deployment.Name, deployment.Options.Provider, deployment.Endpoint, deployment.ModelId,
            entraId ? null : deployment.ApiKey, deployment.Options.MaxOutputTokens, entraId, entraId ? deployment.Options.ManagedIdentityClientId : null);
        if (_clients.TryGetValue(deployment.Name, out var cached) && cached.Key == key)
        {
            return cached.Client;
        }
        var client = Create(key);
        _clients[deployment.Name] = (key, client);
        return client;
    }

    /// <summary>The SDKs' own limit per HTTP call; the router's attempt timeout and deadline are shorter and decide.</summary>
    private static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(100);

    private IChatClient Create(ClientKey key)
    {
        var inner = key.Provider switch
        {
            ProviderNames.Offline => offline,
            ProviderNames.OpenAI or ProviderNames.OpenAICompatible => CreateOpenAI(key),
            ProviderNames.AzureOpenAI => CreateAzureOpenAI(key),
            ProviderNames.Anthropic => CreateAnthropic(key),
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
            NetworkTimeout = NetworkTimeout,
            // The router's fallback is the retry: one call per recorded attempt, and a failing deployment is left at once.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            ClientLoggingOptions = NoSdkLogging(),
        };
        if (key.Endpoint is not null)
        {
            options.Endpoint = new Uri(key.Endpoint);
        }
        return new OpenAIClient(new ApiKeyCredential(key.ApiKey!), options)
            .GetChatClient(key.ModelId)
            .AsIChatClient();
    }

    private IChatClient CreateAzureOpenAI(ClientKey key)
    {
        var options = new AzureOpenAIClientOptions
        {
            NetworkTimeout = NetworkTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            ClientLoggingOptions = NoSdkLogging(),
        };
        // The Azure deployment name is the catalog's model id.
        var client = key.EntraId
            ? new AzureOpenAIClient(new Uri(key.Endpoint!), azureCredentials.Get(key.ManagedIdentityClientId), options)
            : new AzureOpenAIClient(new Uri(key.Endpoint!), new ApiKeyCredential(key.ApiKey!), options);
        return client
            .GetChatClient(key.ModelId)
            .AsIChatClient();
    }

    /// <summary>
    /// Without a logger factory the SDK's logging policy writes to nowhere, yet runs on every call (about 3 % of the
    /// router's CPU per completion); the OpenTelemetry client and the router's own logs report each call.
    /// </summary>
    private static ClientLoggingOptions NoSdkLogging() => new() { EnableLogging = false };

    private IChatClient CreateAnthropic(ClientKey key)
    {
        var options = new Anthropic.Core.ClientOptions
        {
            ApiKey = key.ApiKey,
            MaxRetries = 0,
            Timeout = NetworkTimeout,
            Handlers = [new RetryAfterHandler(time)],
        };
        if (key.Endpoint is not null)
        {
            options.BaseUrl = key.Endpoint;
        }
        return new AnthropicClient(options).AsIChatClient(key.ModelId, key.MaxOutputTokens);
    }

    private sealed record ClientKey(string Name, string Provider, string? Endpoint, string ModelId, string? ApiKey, int MaxOutputTokens,
        bool EntraId, string? ManagedIdentityClientId);
}
