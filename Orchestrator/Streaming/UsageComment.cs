using System.Globalization;
using System.Text;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Streaming;

/// <summary>
/// The SSE comment <c>: aiaspire-usage {"prompt_tokens":…,"completion_tokens":…,"total_tokens":…,"cost_usd":…}</c>
/// written before a stream's end: the gateway settles token limits and budgets from it; SSE clients ignore comments.
/// </summary>
public static class UsageComment
{
    public static async Task WriteAsync(HttpResponse response, TokenUsage? usage, decimal cost, CancellationToken cancellationToken)
    {
        var tokens = usage is null ? "" : $"\"prompt_tokens\":{usage.InputTokens},\"completion_tokens\":{usage.OutputTokens},\"total_tokens\":{usage.InputTokens + usage.OutputTokens},";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $": aiaspire-usage {{{tokens}\"cost_usd\":{cost}}}\n\n")), cancellationToken);
    }
}
