namespace AiAspire.GuardrailService.Pii;

/// <summary>Finding types; they also name the placeholders (<c>&lt;EMAIL_1&gt;</c>), so upper snake case only.</summary>
public static class PiiTypes
{
    public const string Email = "EMAIL";
    public const string CreditCard = "CREDIT_CARD";
}
