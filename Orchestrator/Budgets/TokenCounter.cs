using System.Collections.Concurrent;
using AiAspire.Contracts.Router;
using Microsoft.ML.Tokenizers;

namespace AiAspire.Orchestrator.Budgets;

/// <summary>
/// Exact token counts with the model family's tiktoken encoding: o200k_base for GPT-4o, GPT-4.1, GPT-4.5, GPT-5 and
/// the o-series, cl100k_base for GPT-4 and GPT-3.5. Chat messages are counted as OpenAI bills them: 3 tokens per
/// message plus its role and content, and 3 that prime the reply. Tool calls add their name and arguments; the
/// wrapping OpenAI adds around them and around tool definitions is not published, so those few tokens are not counted.
/// </summary>
public sealed class TokenCounter
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";

    public const int TokensPerMessage = 3;
    public const int ReplyPrimingTokens = 3;

    private static readonly string[] O200kFamilies = ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "gpt-oss"];
    private static readonly string[] Cl100kFamilies = ["gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002"];

    // Loading an encoding parses its whole vocabulary (~200k entries): once per process each.
    private readonly ConcurrentDictionary<string, Lazy<Tokenizer>> _tokenizers = new(StringComparer.Ordinal);

    /// <summary>The encoding of <paramref name="modelId"/>'s family, or null when it is not an OpenAI family this knows.</summary>
    public static string? EncodingOf(string? modelId)
    {
        if (string.IsNullOrEmpty(modelId))
        {
            return null;
        }
        var name = modelId[(modelId.LastIndexOf('/') + 1)..].ToLowerInvariant();
        if (O200kFamilies.Any(f => IsFamily(name, f)))
        {
            return O200kBase;
        }
        return Cl100kFamilies.Any(f => IsFamily(name, f)) ? Cl100kBase : null;

        static bool IsFamily(string name, string family) =>
            name.StartsWith(family, StringComparison.Ordinal) && (name.Length == family.Length || name[family.Length] is '-' or '.' or ':' or '_');
    }

    public Tokenizer For(string encoding) => _tokenizers.GetOrAdd(encoding, static name => new Lazy<Tokenizer>(
        () => name switch
        {
            O200kBase or Cl100kBase => TiktokenTokenizer.CreateForEncoding(name),
            _ => throw new ArgumentException($"'{name}' is not a supported encoding ({O200kBase}, {Cl100kBase}).", nameof(encoding)),
        })).Value;

    public int Count(string encoding, string text) => For(encoding).CountTokens(text);

    /// <summary>The prompt tokens of <paramref name="messages"/> as a chat model counts them.</summary>
    public int CountMessages(string encoding, IEnumerable<RouterMessage> messages)
    {
        var tokenizer = For(encoding);
        var total = ReplyPrimingTokens;
        foreach (var message in messages)
        {
            total += CountMessage(tokenizer, message);
        }
        return total;
    }

    /// <summary>One message: 3, its role, its content, and the name and arguments of any tool calls it makes.</summary>
    public static int CountMessage(Tokenizer tokenizer, RouterMessage message)
    {
        var tokens = TokensPerMessage + tokenizer.CountTokens(message.Role) + tokenizer.CountTokens(message.Content);
        foreach (var call in message.ToolCalls ?? [])
        {
            tokens += tokenizer.CountTokens(call.Name) + tokenizer.CountTokens(call.Arguments);
        }
        return tokens;
    }
}
