namespace AiAspire.FeedbackWorker.Projections;

/// <summary>
/// Redis key layout of the quality read models. Every key of a tenant carries the tenant as its hash tag, so one
/// script can update them all even on a cluster; names are escaped so that no tenant, model or route can reach
/// into another's keys.
/// </summary>
internal static class QualityKeys
{
    private const string Prefix = "quality";

    /// <summary>Marks an applied event id, for the dedupe window.</summary>
    public static string Applied(string tenant, string eventId) => $"{Tenant(tenant)}:applied:{Escape(eventId)}";

    /// <summary>Set of the models the tenant has used (raw names), so reads need no SCAN.</summary>
    public static string Models(string tenant) => $"{Tenant(tenant)}:models";

    /// <summary>Set of the tenant's (model, route) series, as <see cref="SeriesMember"/>.</summary>
    public static string Series(string tenant) => $"{Tenant(tenant)}:series";

    public static string SeriesMember(string model, string route) => $"{Escape(model)}:{Escape(route)}";

    /// <summary>Hash of all-time figures of a tenant's model.</summary>
    public static string Totals(string tenant, string model) => $"{Tenant(tenant)}:total:{Escape(model)}";

    /// <summary>Hash of one minute's figures of a tenant's model on a route (UTC minute, <c>yyyyMMddHHmm</c>).</summary>
    public static string Minute(string tenant, string model, string route, DateTimeOffset at) =>
        $"{Tenant(tenant)}:minute:{Escape(model)}:{Escape(route)}:{at.UtcDateTime:yyyyMMddHHmm}";

    private static string Tenant(string tenant) => $"{Prefix}:{{{Escape(tenant)}}}";

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
