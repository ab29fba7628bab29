using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Output;

/// <summary>
/// Bounds the time a caller's regular expressions can take. JsonSchema.Net matches <c>pattern</c> and
/// <c>patternProperties</c> without a timeout, so a catastrophic pattern (<c>^(a+)+$</c> on "aaaa…b") would hold a
/// thread for hours. Before the schema is evaluated, every such pattern is matched here, with a timeout, against every
/// string (for <c>pattern</c>) or property name (for <c>patternProperties</c>) of the answer, as .NET and as ECMAScript
/// regexes (the two dialects backtrack differently on non-ASCII text); the library then only evaluates what ran in time
/// here, since the same pattern on the same input backtracks the same way. <c>format</c> is an annotation under the
/// evaluation options used (<see cref="Json.Schema.EvaluationOptions.RequireFormatValidation"/> is off), so the
/// library's format regexes never run on an answer.
/// </summary>
internal static class SchemaPatternGuard
{
    /// <summary>One match of one pattern on one string.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>All patterns on all strings of one answer.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    private const int MaxDepth = 256;

    /// <summary>Null when every pattern ran in time on this answer; otherwise the pattern that did not.</summary>
    public static string? FindSlowPattern(JsonElement schema, JsonElement answer)
    {
        var patterns = new HashSet<string>(StringComparer.Ordinal);
        var propertyPatterns = new HashSet<string>(StringComparer.Ordinal);
        CollectPatterns(schema, patterns, propertyPatterns, 0);
        if (patterns.Count == 0 && propertyPatterns.Count == 0)
        {
            return null;
        }
        var strings = new List<string>();
        var names = new List<string>();
        CollectInstance(answer, strings, names, 0);

        var clock = Stopwatch.StartNew();
        return FirstSlow(patterns, strings, clock) ?? FirstSlow(propertyPatterns, names, clock);
    }

    private static string? FirstSlow(IEnumerable<string> patterns, IReadOnlyList<string> inputs, Stopwatch clock)
    {
        if (inputs.Count == 0)
        {
            return null;
        }
        foreach (var pattern in patterns)
        {
            foreach (var options in (ReadOnlySpan<RegexOptions>)[RegexOptions.None, RegexOptions.ECMAScript])
            {
                Regex regex;
                try
                {
                    regex = new Regex(pattern, options, MatchTimeout);
                }
                catch (ArgumentException)
                {
                    // Not a pattern in this dialect: the library, building the schema, decides what it makes of it.
                    continue;
                }
                foreach (var input in inputs)
                {
                    try
                    {
                        regex.IsMatch(input);
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        return pattern;
                    }
                    if (clock.Elapsed > Budget)
                    {
                        return pattern;
                    }
                }
            }
        }
        return null;
    }

    /// <summary>Schema keywords anywhere in the schema (a property named "pattern" whose value is a schema is no pattern).</summary>
    private static void CollectPatterns(JsonElement element, HashSet<string> patterns, HashSet<string> propertyPatterns, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                CollectPatterns(item, patterns, propertyPatterns, depth + 1);
            }
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals("pattern") && property.Value.ValueKind == JsonValueKind.String)
            {
                patterns.Add(property.Value.GetString()!);
            }
            else if (property.NameEquals("patternProperties") && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var keyed in property.Value.EnumerateObject())
                {
                    propertyPatterns.Add(keyed.Name);
                }
            }
            CollectPatterns(property.Value, patterns, propertyPatterns, depth + 1);
        }
    }

    private static void CollectInstance(JsonElement element, List<string> strings, List<string> names, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                strings.Add(element.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectInstance(item, strings, names, depth + 1);
                }
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    names.Add(property.Name);
                    CollectInstance(property.Value, strings, names, depth + 1);
                }
                break;
        }
    }
}
