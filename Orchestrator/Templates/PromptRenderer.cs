using System.Text;
using System.Text.RegularExpressions;
using AiAspire.Contracts.Rag;
using AiAspire.Contracts.Router;

namespace AiAspire.Orchestrator.Templates;

/// <summary>
/// Turns <see cref="PromptParts"/> into the messages sent to the router. Variables are replaced in one pass, so a
/// question that contains <c>{{context}}</c> stays text. Without a template, or when a template does not place
/// <c>{{context}}</c> / <c>{{history}}</c> itself, the context block is a system message after the system messages and
/// the earlier turns stay messages of their own (the layout the offline model and the router expect).
/// </summary>
public static partial class PromptRenderer
{
    public const string Question = "question";
    public const string Context = "context";
    public const string History = "history";
    public const string Tenant = "tenant";

    public static readonly IReadOnlySet<string> BuiltIn = new HashSet<string>(StringComparer.Ordinal) { Question, Context, History, Tenant };

    public static List<RouterMessage> Render(PromptParts parts, PromptTemplate? template, IReadOnlyDictionary<string, string> variables, string tenant)
    {
        var messages = new List<RouterMessage>(parts.System.Count + parts.History.Count + parts.Trailing.Count + 3);
        if (template?.System is { Length: > 0 } system)
        {
            messages.Add(new RouterMessage("system", Substitute(system, Lookup)));
        }
        messages.AddRange(parts.System);
        if (parts.Chunks.Count > 0 && template?.Uses(Context) != true)
        {
            messages.Add(ContextMessage(parts.Chunks));
        }
        if (template?.Uses(History) != true)
        {
            messages.AddRange(parts.History);
        }
        messages.Add(new RouterMessage("user", template is null ? parts.Question : Substitute(template.User, Lookup)));
        messages.AddRange(parts.Trailing);
        return messages;

        string Lookup(string name) => name switch
        {
            Question => parts.Question,
            Context => parts.Chunks.Count == 0 ? "" : ContextBlock(parts.Chunks),
            History => HistoryText(parts.History),
            Tenant => tenant,
            _ when variables.TryGetValue(name, out var value) => value,
            _ when template!.Variables.TryGetValue(name, out var value) => value,
            // Templates are checked when they load, so this is a variable a tenant's own definitions were meant to supply.
            _ => "",
        };
    }

    /// <summary>The retrieved chunks as one system message, numbered from 1 in the order given.</summary>
    public static RouterMessage ContextMessage(IReadOnlyList<RetrievedChunk> chunks) => new("system", ContextBlock(chunks));

    private static string ContextBlock(IReadOnlyList<RetrievedChunk> chunks) =>
        ContextPassages.Render(chunks.Select((chunk, i) => new ContextPassage(
            i + 1,
            chunk.HeadingPath is { Length: > 0 } heading ? $"{chunk.Source} › {heading}" : chunk.Source,
            chunk.Text)));

    private static string HistoryText(IReadOnlyList<RouterMessage> history)
    {
        var text = new StringBuilder();
        foreach (var message in history)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append(message.Role).Append(": ").Append(message.Content);
        }
        return text.ToString();
    }

    public static string Substitute(string template, Func<string, string> value) =>
        Variable().Replace(template, match => value(match.Groups[1].Value));

    /// <summary>The variable names a template text uses.</summary>
    public static IReadOnlySet<string> VariablesIn(string? text) =>
        text is null ? new HashSet<string>() : Variable().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();
}
