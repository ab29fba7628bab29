namespace AiAspire.PlatformBench;

/// <summary>
/// One way to ask for the same completion: where to send it, with which headers and body. <paramref name="Stream"/>
/// requests are measured to their first content token.
/// </summary>
/// <param name="Name">The row label (e.g. "portkey").</param>
/// <param name="Address">Base address, <c>http://127.0.0.1:port</c>.</param>
/// <param name="Path">Request path, <c>/v1/chat/completions</c>.</param>
internal sealed record Target(string Name, string Address, string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, bool Stream)
{
    public const string ChatPath = "/v1/chat/completions";

    /// <summary>A question the RAG tenant's documents answer, with nothing in it the guardrails would mask or block.</summary>
    public const string Question = "What is the refund policy for annual plans?";

    /// <param name="temperature">0 makes the answer cacheable by AiAspire's exact cache; anything else bypasses it.</param>
    public static string ChatBody(string model, bool stream, double temperature) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$"""{"model":"{{model}}","temperature":{{temperature}},"max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{Question}}"}]}""");
}
