using System.Text.RegularExpressions;
using AiAspire.GuardrailService.Pii;

namespace AiAspire.GuardrailService.Content;

/// <summary>
/// Scores a request against the content-policy categories with lexicons and request shape, no model: each category
/// has strong terms (a nerve agent, ransomware, a pipe bomb) that weigh enough alone and mild ones ("illegal",
/// "pathogen", "persuasive") that need company. A request for instructions ("give step-by-step instructions",
/// "how to") or for evasion ("without getting caught") adds to every category that has a term; a defensive framing
/// ("prevent", "protect", "awareness") takes some away. Score per category is <c>1 − e^(−evidence)</c>.
/// Tuned on shared/data/content_harmbench (harmful requests) against injection_notinject and the rag_covidqa
/// questions (benign, the latter full of pathogens and epidemics).
/// </summary>
public sealed class ContentClassifier
{
    private const RegexOptions Options =
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled | RegexOptions.ExplicitCapture;

    private const double DefensiveDiscount = 0.5;

    private static Regex Pattern(string pattern) =>
        new(pattern, Options, TimeSpan.FromMilliseconds(RecognizerLimits.MatchTimeoutMilliseconds));

    private sealed record Lexicon(string Category, Regex Terms, double Weight);

    private static readonly Lexicon[] Lexicons =
    [
        new(ContentCategories.Weapons, Pattern(@"\b(pipe bomb|car bomb|bomb past|build a bomb|make a bomb|explosives?|detonat\w*|grenades?|firearms?|handguns?|glock|full auto|silencer|ammunition|nerve (gas|agent)|sarin|tabun|vx|ricin|lewisite|mustard gas|chlorine gas|anthrax|botulinum|tetrodotoxin|strychnine|dimethylmercury|parathion|nitazene|chemical (weapons?|warfare)|biological (weapons?|warfare)|bioweapons?|enriched uranium|dirty bomb|bsl-4|biohazard|dangerous dna|gene synthesis|more deadly|spread a virus|resistant to antibiotics)\b"), 1.0),
        new(ContentCategories.Weapons, Pattern(@"\b(pathogens?|ebola|toxins?|transmissible|bombs?|guns?)\b"), 0.45),
        new(ContentCategories.Cybercrime, Pattern(@"\b(malware|ransomware|keylogger|spyware|trojan|botnet|ddos|syn flood|dns amplification|zero-day|0-day|reverse shell|sql injection|sqli|phishing|hack(ing|ed)? into|crack(ing)? passwords?|rainbow table|exfiltrat\w*|evade antivirus|bypass (waf|authentication|input validation)|deface|credential stuffing|card skimm\w*|skimming device|eternalblue|bluekeep|dirty (cow|pipe)|krack|ghostcat|drupalgeddon\w*|corrupts? the hard drive|mine cryptocurrenc\w*|fake (\w+ )?login)\b"), 1.0),
        new(ContentCategories.Cybercrime, Pattern(@"\b(exploit(ing|s)?|payloads?|hack(ing)?|worms?|vulnerabilit(y|ies))\b"), 0.45),
        new(ContentCategories.IllegalActivity, Pattern(@"\b(smuggl\w*|launder\w*|counterfeit\w*|forg(e|ing|ed) (a |an )?(documents?|prescriptions?|signatures?|checks?|ids?|passports?)|shoplift\w*|black market|dark web|chop shops?|blackmail\w*|extort\w*|tax (fraud|evasion)|arson|poach\w*|elephant ivory|kidnap\w*|ransom note|hostage|swatting|methamphetamine|fentanyl|cocaine|heroin|mdma|huff(ing)? paint|brothel|breathalyzer|pirate bay|torrents|rolling coal|hijack\w*|scam)\b"), 0.8),
        new(ContentCategories.IllegalActivity, Pattern(@"\b(illegal(ly)?|unlawful(ly)?|steal(ing)?|stolen|rob(bing)?|fraud|trafficking|tamper(ing)? with|opioids?|drugs|contraband|without (a |any )?(official )?(prescription|authori[sz]ation|permission)|unauthori[sz]ed access|scraping)\b"), 0.45),
        new(ContentCategories.IllegalActivity, Pattern(@"\b(without (getting caught|detection|being (detected|traced|caught|suspected))|undetect\w*|untraceabl\w*|evad(e|ing) (law enforcement|detection|tracing|police|filtering)|without leaving a trace|get away with|while evading)\b"), 0.6),
        new(ContentCategories.Violence, Pattern(@"\b(kill(ing)?\b[^.?!\n]{0,25}\b(people|person|child|children|kids?|baby|man|woman|someone|somebody|him|her|them|patient|president|neighbou?rs?|wife|husband|family|pets?|cats?|dogs?|classmates?|coworkers?|myself|yourself)|murder\w*|assassinat\w*|hitman|poison(ing)?|stab(bing)?|shoot(ing)? (up|people)|massacre|torture|maim|dismember\w*|flay\w*|beat(s|ing)? (their|his|her|a)|mass shooting|terroris\w*|death threat|bomb threat|threaten\w* (someone|somebody|people|a|an|the|him|her|them|to (kill|hurt|harm|shoot|stab|bomb|attack|rape|beat|burn))|drawn and quartered|animal cruelty|graphic detail|fall down the stairs|silence whistleblowers)\b"), 1.0),
        new(ContentCategories.Violence, Pattern(@"\b(threat\w*|kill(ing|ed)?|destroy\w*|gore)\b"), 0.45),
        new(ContentCategories.SelfHarm, Pattern(@"\b(suicide|kill (myself|yourself)|self-harm|self harm|cut(ting)? myself|anorexia|bulimia|starv(e|ing) (myself|yourself)|overdose)\b"), 1.2),
        new(ContentCategories.Sexual, Pattern(@"\b(porn\w*|explicit (sex\w*|images|story)|sexual(ly)? (explicit|assault|exploitation|activity)|nude|nudes|intimate images|erotic\w*|snuff|non-consensual|rape|molest\w*|child sexual|csam|sex with)\b"), 1.0),
        new(ContentCategories.Hate, Pattern(@"\b(racial slurs?|racist|racism|sexist|homophobic|transphobic|white supremac\w*|nazi\w*|inferior race|ethnic cleansing|genocide|vitriol|inciting hatred|hatred toward|hate mail|less intelligent than|inherently (inferior|less))\b"), 1.0),
        new(ContentCategories.Harassment, Pattern(@"\b(harass\w*|bull(y|ying|ies)|stalk(ing|er)?|doxx?\w*|insult(ing)?|humiliat\w*|gaslight\w*|coerce\w*|intimidat\w*|defamatory|defame|slander\w*|profane)\b"), 0.9),
        new(ContentCategories.Misinformation, Pattern(@"\b(persuad\w+|persuasive|convincing)\b"), 0.45),
        new(ContentCategories.Misinformation, Pattern(@"\b(hoax|conspiracy|never happened|cause[sd]? autism|5g causes|fake news|propaganda myth|deserved to die|election (was )?(stolen|rigged)|voter fraud|lab leak|secretly (joined|biased)|downplays?|grossly inflated|greatly exaggerated|persuasive (article|post|social media post)|posing as an expert|convinc(e|ing) (people|someone|children|a teenager)|good for you|do not cause cancer|burden on|beneficial for society|trivializes?|mocks?)\b"), 0.8),
    ];

    private static readonly (Regex Pattern, double Weight)[] Intent =
    [
        (Pattern(@"\b(give|provide|write|list|describe|explain|generate|create|compose|develop|devise|suggest|brainstorm|determine)\b[^.?!\n]{0,40}\b(instructions|step-by-step|guide|tutorial|plan|tips|advice|ways|methods|code|script|payload|template|list|how)\b"), 0.5),
        (Pattern(@"\bhow (to|do i|can i|could i)\b"), 0.2),
        (Pattern(@"\b(without (getting caught|detection|being (detected|traced|caught|suspected))|undetect\w*|untraceabl\w*|evad(e|ing) (law enforcement|detection|tracing|police|filtering)|without leaving a trace|get away with|while evading)\b"), 0.5),
        (Pattern(@"\b(at home|household (materials|objects|chemicals))\b"), 0.3),
    ];

    private static readonly Regex Defensive = Pattern(
        @"\b(prevent\w*|protect\w*|avoid\w*|awareness|defen[cs]\w*|secur(e|ely)|safe(ly|ty)?|impacts?|history|legal and illegal|difference between|report on)\b");

    /// <summary>Scores of the categories with any evidence, highest first.</summary>
    /// <exception cref="RegexMatchTimeoutException">The text was too costly to scan.</exception>
    public IReadOnlyList<ContentScore> Classify(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var evidence = new Dictionary<string, (double Weight, int Terms)>(StringComparer.Ordinal);
        foreach (var lexicon in Lexicons)
        {
            var count = 0;
            for (var match = lexicon.Terms.Match(text); match.Success && count < 2; match = match.NextMatch())
            {
                count++;
            }
            if (count == 0)
            {
                continue;
            }
            // A second match of the same lexicon adds three quarters of a first: repetition is weaker evidence.
            var weight = lexicon.Weight * (count == 1 ? 1 : 1.5);
            var (sum, terms) = evidence.GetValueOrDefault(lexicon.Category);
            evidence[lexicon.Category] = (sum + weight, terms + count);
        }
        if (evidence.Count == 0)
        {
            return [];
        }

        var shape = Intent.Where(i => i.Pattern.IsMatch(text)).Sum(i => i.Weight) - (Defensive.IsMatch(text) ? DefensiveDiscount : 0);
        return evidence
            .Select(e => new ContentScore(e.Key, 1 - Math.Exp(-Math.Max(0, e.Value.Weight + shape)), e.Value.Terms))
            .OrderByDescending(s => s.Score)
            .ToArray();
    }
}
