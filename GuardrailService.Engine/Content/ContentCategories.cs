namespace AiAspire.GuardrailService.Content;

/// <summary>The content-policy categories; names appear in policies (<c>Content:Categories:weapons</c>) and in checks.</summary>
public static class ContentCategories
{
    public const string Violence = "violence";
    public const string SelfHarm = "self_harm";
    public const string Sexual = "sexual";
    public const string Hate = "hate";
    public const string Harassment = "harassment";
    public const string Weapons = "weapons";
    public const string Cybercrime = "cybercrime";
    public const string IllegalActivity = "illegal_activity";
    public const string Misinformation = "misinformation";

    public static IReadOnlyList<string> All { get; } =
        [Violence, SelfHarm, Sexual, Hate, Harassment, Weapons, Cybercrime, IllegalActivity, Misinformation];
}
