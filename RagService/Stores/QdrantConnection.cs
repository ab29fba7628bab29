using System.Data.Common;

namespace AiAspire.RagService.Stores;

/// <summary>The <c>vectors</c> connection string as AppHost writes it: <c>Endpoint=http://host:6334;Key=secret</c> (gRPC endpoint; key optional).</summary>
public sealed record QdrantConnection(Uri Endpoint, string? ApiKey)
{
    public static QdrantConnection Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // A bare address is accepted too, as other Aspire integrations do.
        var builder = new DbConnectionStringBuilder();
        if (!connectionString.Contains('=', StringComparison.Ordinal))
        {
            builder["Endpoint"] = connectionString.Trim();
        }
        else
        {
            try
            {
                builder.ConnectionString = connectionString;
            }
            catch (ArgumentException ex)
            {
                throw new FormatException("ConnectionStrings:vectors is not of the form Endpoint=…;Key=….", ex);
            }
        }
        var endpoint = builder.TryGetValue("Endpoint", out var value) ? value as string : null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException("ConnectionStrings:vectors needs Endpoint=http(s)://host:port (Qdrant's gRPC port).");
        }
        var key = builder.TryGetValue("Key", out var secret) ? secret as string : null;
        return new QdrantConnection(uri, string.IsNullOrEmpty(key) ? null : key);
    }

    public override string ToString() => $"Endpoint={Endpoint}; Key={(ApiKey is null ? "(none)" : "***")}";
}
