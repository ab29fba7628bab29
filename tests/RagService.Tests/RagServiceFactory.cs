using AiAspire.Contracts;
using AiAspire.RagService.Embeddings;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiAspire.RagService.Tests;

/// <summary>The whole service in memory with the real MiniLM model and a throwaway data folder; one per test collection.</summary>
public sealed class RagServiceFactory : WebApplicationFactory<Program>
{
    public const int MaxDocumentChars = 200_000;

    private readonly TempDirectory _data = new();

    public string DataPath => _data.Path;

    internal CountingEmbeddingGenerator Embeddings => (CountingEmbeddingGenerator)Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

    public HttpClient ClientFor(string? tenant)
    {
        var client = CreateClient();
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Add(AiAspireHeaders.Tenant, tenant);
        }
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Rag:DataPath", _data.Path);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Rag:Ingestion:MaxDocumentChars", MaxDocumentChars.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services => services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
            sp => new CountingEmbeddingGenerator(sp.GetRequiredService<MiniLmEmbeddingGenerator>())));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _data.Dispose();
        }
    }
}
