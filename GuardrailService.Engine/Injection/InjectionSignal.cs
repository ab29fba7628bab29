using System.Text.RegularExpressions;

namespace AiAspire.GuardrailService.Injection;

/// <summary>One kind of evidence for a prompt injection or jailbreak, with its weight and how many matches count.</summary>
/// <param name="Name">Stable name, returned to callers so a verdict can be explained.</param>
/// <param name="Weight">Added to the evidence per counted match.</param>
/// <param name="MaxCount">Matches beyond this add nothing: one word repeated is not more evidence.</param>
public sealed record InjectionSignal(string Name, Regex Pattern, double Weight, int MaxCount = 1);
