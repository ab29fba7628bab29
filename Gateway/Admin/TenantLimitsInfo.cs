using AiAspire.Gateway.Authentication;

namespace AiAspire.Gateway.Admin;

/// <summary>A tenant's limits as the admin API shows them: the stored overrides, and what applies (0 = unlimited).</summary>
public sealed record TenantLimitsInfo(string Tenant, LimitOverrides? Overrides, LimitOverrides Effective);
