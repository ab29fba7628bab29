namespace AiAspire.FeedbackWorker.Projections;

/// <summary>
/// Redis key layout of the quality read models. Every key of a tenant carries the tenant as its hash tag, so one
/// script can update them all even on a cluster; names are escaped so that no tenant, model or route can reach
/// into another's keys.
/// </summary>
internal static class QualityKeys
{
    private const string Prefix = "quality";

    /// <summary>Set of every tenant with figures, for the alert evaluator. Global, so written apart from the tenant's script.</summary>
    public const string Tenants = Prefix + ":tenants";

    /// <summary>List of the tenant's recent alerts, newest first (JSON <see cref="Contracts.Events.AlertRaised"/>).</summary>
    public static string Alerts(string tenant) => $"{Tenant(tenant)}:alerts";

    /// <summary>Present while an alert rule is cooling down for the tenant.</summary>
    public static string AlertCooldown(string tenant, string rule) => $"{Tenant(tenant)}:alert-cooldown:{Escape(rule)}";

    /// <summary>A masked interaction (JSON <see cref="Contracts.Events.InteractionCaptured"/>) by request id.</summary>
    public static string Interaction(string tenant, string requestId) => $"{Tenant(tenant)}:interaction:{Escape(requestId)}";

    /// <summary>Sorted set of the tenant's interaction request ids, scored by time (Unix ms).</summary>
    public static string Interactions(string tenant) => $"{Tenant(tenant)}:interactions";

    /// <summary>The latest rating of a response (JSON: rating and masked correction).</summary>
    public static string Rating(string tenant, string responseId) => $"{Tenant(tenant)}:rating:{Escape(responseId)}";

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

    /// <summary>The minute hash of a <see cref="SeriesMember"/> (as read back from <see cref="Series"/>).</summary>
    public static string MinuteOfSeries(string tenant, string seriesMember, DateTimeOffset at) =>
        $"{Tenant(tenant)}:minute:{seriesMember}:{at.UtcDateTime:yyyyMMddHHmm}";

    /// <summary>The model and route of a <see cref="SeriesMember"/>.</summary>
    public static (string Model, string Route) ParseSeriesMember(string seriesMember)
    {
        var colon = seriesMember.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (Uri.UnescapeDataString(seriesMember), "")
            : (Uri.UnescapeDataString(seriesMember[..colon]), Uri.UnescapeDataString(seriesMember[(colon + 1)..]));
    }

    private static string Tenant(string tenant) => $"{Prefix}:{{{Escape(tenant)}}}";

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
