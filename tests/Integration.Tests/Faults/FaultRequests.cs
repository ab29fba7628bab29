using System.Net.Http.Json;

namespace AiAspire.Integration.Tests.Faults;

/// <summary>The requests the fault tests send through the gateway; each carries its number, so no cache answers it.</summary>
internal static class FaultRequests
{
    public static HttpRequestMessage Completion(string model, string content) => new(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = JsonContent.Create(new { model, messages = new[] { new { role = "user", content } } }),
    };

    public static HttpRequestMessage Chat(string message, string rag) => new(HttpMethod.Post, "/api/chat")
    {
        Content = JsonContent.Create(new { message, rag }),
    };
}
