using AiAspire.Contracts.Router;

namespace AiAspire.RouterService.Tests.Offline;

/// <summary>Two small passages as the orchestrator would retrieve them.</summary>
internal static class Handbook
{
    public const string RefundSentence = "Refunds are issued within 14 days of the return.";
    public const string ShippingSentence = "Orders ship within two business days.";

    public static readonly ContextPassage Refunds = new(1, "handbook/refunds.md", RefundSentence + " Store credit never expires.");
    public static readonly ContextPassage Shipping = new(2, "handbook/shipping.md", ShippingSentence + " Express delivery costs extra.");

    public static readonly IReadOnlyList<ContextPassage> Passages = [Refunds, Shipping];
}
