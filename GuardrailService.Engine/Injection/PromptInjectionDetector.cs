using System.Text.RegularExpressions;
using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Injection;

/// <summary>
/// Scores a text for prompt injection and jailbreak attempts by weighted evidence: each signal (an instruction
/// override, a "DAN"/"developer mode" persona, "never refuse", "no restrictions", chat markup planted in a document, …)
/// adds its weight, and the score is <c>1 − e^(−evidence)</c>. Single trigger words ("jailbreak", "roleplay",
/// "uncensored") weigh little, so a benign question that merely uses them stays under the threshold; the phrasing
/// of an attack weighs much more. Weights were tuned by hand on all of shared/data/jailbreak_inthewild (attacks) and
/// shared/data/injection_notinject (benign look-alikes), so their figures there are in-sample. The service blends this
/// score with an embedding classifier trained on a split of the same data (<see cref="InjectionScorer"/>); the held-out
/// figures are in InjectionHeldOutTests.
/// </summary>
public sealed class PromptInjectionDetector
{
    private const RegexOptions Options =
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline | RegexOptions.Compiled | RegexOptions.ExplicitCapture;

    private static Regex Pattern(string pattern) =>
        new(pattern, Options, TimeSpan.FromMilliseconds(RecognizerLimits.MatchTimeoutMilliseconds));

    public static IReadOnlyList<InjectionSignal> Signals { get; } =
    [
        new("instruction_override", Pattern(@"\b(ignore|disregard|forget|bypass|override)\b[^.\n]{0,50}\b(previous|prior|above|earlier|all|any|your|the|these|those|initial|original)\b[^.\n]{0,30}\b(instructions?|rules|guidelines|prompts?|programming|training|restrictions|polic(y|ies)|directives?|constraints)"), 1.5),
        new("prompt_leak", Pattern(@"\b(reveal|print|show|repeat|output|tell me)\b[^.\n]{0,30}\b(system prompt|initial prompt|instructions above|text above|your instructions|hidden prompt)"), 1.5),
        new("ai_reader", Pattern(@"\b(if you are an? (ai|llm|language model|assistant)|ai (model|assistant) reading this|when summari[sz]ing this|do not (tell|inform) the user|don't (tell|inform) the user)\b"), 1.5),
        new("chat_markup", Pattern(@"<\|im_start\|>|<\|system\|>|\[/?INST\]|###\s*(system|instruction)|^\s*(system|assistant)\s*:"), 1.2),
        new("dan_persona", Pattern(@"\bDAN\b|\bdo anything now\b|\bSTAN\b|\bDUDE\b|\bAIM\b"), 1.2),
        new("special_mode", Pattern(@"\b(developer|dev|god|jailbreak|unrestricted|evil|chaos) mode\b"), 1.2),
        new("never_refuse", Pattern(@"\b(never|not|won't|will not|cannot|can't|shouldn't|doesn't|don't)\s+(ever\s+)?(refuse|decline|reject|deny)"), 1.0),
        new("stay_in_character", Pattern(@"\b(stays?|remain|keep) in character\b|\bbreak(ing)? character\b|\bout of character\b"), 1.0),
        new("no_limits", Pattern(@"\b(no|without|any|free of|free from|not bound by|doesn't have|does not have|ignores?|abandons?)\s+(\w+\s+){0,3}(restrictions|limitations|limits|filters|filtering|censorship|guidelines|boundaries|morals|morality|ethics|ethical)\b"), 1.0),
        new("dual_response", Pattern(@"\b(two|2) (different |separate )?(responses|answers|paragraphs|outputs)\b|\bnormal response\b|[\[(](🔓|🔒)"), 1.0),
        new("no_warnings", Pattern(@"\b(without|no|never)\s+(any\s+)?(warnings?|disclaimers?|apolog\w*|moraliz\w*|lectur\w*|censor\w*)"), 0.9),
        new("enable_mode", Pattern(@"\b(enable|activate|enter|switch to|turn on)\s+(\S+\s+){0,4}mode\b"), 0.8),
        new("content_policy", Pattern(@"\b(content|usage|openai|safety) polic(y|ies)\b"), 0.8),
        new("ai_provider", Pattern(@"\b(openai|anthropic|chatgpt|chat gpt|gpt-?[34]|bard|claude)\b"), 0.6),
        new("from_now_on", Pattern(@"\bfrom now on\b|\bfor the rest of this conversation\b|\bfrom this point\b"), 0.6),
        new("must_obey", Pattern(@"\byou (must|will|shall) (always |now )?(obey|comply|answer|respond|follow)\b"), 0.5),
        new("jailbreak_word", Pattern(@"\bjailbr(o|ea)k(en|s)?\b"), 0.45),
        new("every_reply", Pattern(@"\b(always|each|every|all (of )?your)\s+(start\s+)?(your\s+)?(response|reply|answer|output|message)s?\b"), 0.45),
        new("persona", Pattern(@"\byou('re| are| will be)\s+(now\s+|no longer\s+)?(a|an|my)?\s?(ai|bot|assistant|character|model|chatbot|persona|entity)\b|\byou are no longer\b|\bnamed\b"), 0.4, 2),
        new("respond_as", Pattern(@"\b(respond|answer|reply|write)(ing)?\s+(only\s+)?(as|like|in the (voice|style|role) of)\b"), 0.35),
        new("role_play", Pattern(@"\b(pretend|act as|you are going to act|roleplay|role-play|simulate|impersonate|you will play)\b"), 0.3, 2),
        new("amoral", Pattern(@"\b(amoral|unethical|immoral|unfiltered|uncensored|unrestricted|unhinged|no morals)\b"), 0.3, 3),
        new("lock_emoji", Pattern("🔓|🔒"), 0.3),
        new("will_not", Pattern(@"\byou (will|must|should) (not|never)\b"), 0.3),
        new("hypothetical", Pattern(@"\bhypothetical(ly)?\b|\bfictional (world|universe|story)\b|\bin this (story|game|universe)\b"), 0.3),
        new("rules_block", Pattern(@"\b(rules|guidelines)\s*(=|:)|\brules? (are|is)\b"), 0.3),
        new("harm_words", Pattern(@"\b(illegal|harmful|offensive|explicit|nsfw|unethical|dangerous|racist|violent)\b"), 0.2, 3),
    ];

    /// <exception cref="RegexMatchTimeoutException">The text was too costly to scan.</exception>
    public InjectionVerdict Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var evidence = 0.0;
        var fired = new List<(string Name, double Weight)>();
        foreach (var signal in Signals)
        {
            var count = 0;
            for (var match = signal.Pattern.Match(text); match.Success && count < signal.MaxCount; match = match.NextMatch())
            {
                count++;
            }
            if (count > 0)
            {
                evidence += signal.Weight * count;
                fired.Add((signal.Name, signal.Weight * count));
            }
        }
        return new InjectionVerdict(1 - Math.Exp(-evidence), fired.OrderByDescending(f => f.Weight).Select(f => f.Name).ToArray());
    }
}
