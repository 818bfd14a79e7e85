namespace Analytics.Web.Security;

public static class AnalyticsRoles { public const string Viewer = "viewer"; public const string TeamLead = "team-lead"; public const string SurveyAnalyst = "survey-analyst"; public const string Admin = "admin"; }
