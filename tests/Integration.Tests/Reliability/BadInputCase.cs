namespace AiAspire.Integration.Tests.Reliability;

/// <summary>One malformed request for the corpus: everything needed to send it again, byte for byte.</summary>
/// <param name="Endpoint">The public endpoint it targets (a name from <see cref="BadInputCorpus.Endpoints"/>).</param>
/// <param name="Category">What kind of mistake it is ("malformed-json", "path-traversal", …).</param>
/// <param name="Path">The request target exactly as sent (percent-encoding kept).</param>
/// <param name="ContentType">The Content-Type header sent unvalidated; null sends none.</param>
/// <param name="Chunked">Sends the body without a Content-Length.</param>
/// <param name="Authorization">The Authorization header; null sends none.</param>
/// <param name="Headers">Further headers, sent unvalidated.</param>
/// <param name="RejectedByServer">The HTTP server (Kestrel) refuses the request line itself with a bare 400 before any
/// application code runs, so no problem body can be written.</param>
public sealed record BadInputCase(
    string Endpoint,
    string Category,
    string Name,
    HttpMethod Method,
    string Path,
    byte[]? Body = null,
    string? ContentType = null,
    bool Chunked = false,
    string? Authorization = "Bearer " + PlatformFixture.DevApiKey,
    IReadOnlyList<KeyValuePair<string, string>>? Headers = null,
    bool RejectedByServer = false)
{
    public override string ToString() => $"{Endpoint}/{Category}/{Name}";
}
