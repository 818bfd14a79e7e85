using Microsoft.AspNetCore.Authorization;

namespace Analytics.Web.Security;

/// <summary>The authorization policies pages, endpoints and component handlers name; each is a set of roles (docs/security.md).</summary>
public static class AnalyticsPolicies
{
    /// <summary>Figures: every role.</summary>
    public const string Figures = "figures";

    /// <summary>Rows behind the figures: team-lead (for their teams; checked again per team) and admin.</summary>
    public const string Rows = "rows";

    /// <summary>Survey breakdowns: survey-analyst and admin.</summary>
    public const string Surveys = "surveys";

    /// <summary>Catalog, sources, keys, run now: admin.</summary>
    public const string Admin = "admin";

    internal static AuthorizationBuilder AddAnalyticsPolicies(this AuthorizationBuilder authorization) => authorization
        // Roles are expanded when a principal is built (AnalyticsRoles.Claims), so each policy names one role.
        .AddPolicy(Figures, policy => policy.RequireRole(AnalyticsRoles.Viewer))
        .AddPolicy(Rows, policy => policy.RequireRole(AnalyticsRoles.TeamLead))
        .AddPolicy(Surveys, policy => policy.RequireRole(AnalyticsRoles.SurveyAnalyst))
        .AddPolicy(Admin, policy => policy.RequireRole(AnalyticsRoles.Admin))
        // Anything mapped without a rule of its own needs a signed-in viewer, never nothing.
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(AnalyticsRoles.Viewer).Build());
}
