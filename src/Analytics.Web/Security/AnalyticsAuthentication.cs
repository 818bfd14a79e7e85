namespace Analytics.Web.Security;

/// <summary>The sign-in mode in force (Analytics:Auth:Mode, or Open in development when unset) and the paths of its pages.</summary>
public sealed record AnalyticsAuthentication(AuthMode? Mode)
{
    public const string SignInPath = "/account/signin";

    /// <summary>Where the sign-in page's form posts (mode Local).</summary>
    public const string PasswordSignInPath = "/account/password";
    public const string SignOutPath = "/account/signout";
    public const string DeniedPath = "/account/denied";

    /// <summary>OpenIdConnect: sends the browser to the identity provider (?returnUrl= the local page to come back to).</summary>
    public const string ChallengePath = "/account/challenge";

    /// <summary>The line every page shows in mode Open.</summary>
    public const string OpenBanner = "Open access: anyone who can reach this address can see and change everything";

    public bool IsOpen => Mode == AuthMode.Open;

    /// <summary>Whether a person signs in (and so can sign out): Local or OpenIdConnect.</summary>
    public bool HasSignIn => Mode is AuthMode.Local or AuthMode.OpenIdConnect;

    /// <summary><paramref name="returnUrl"/> when it is a path of this app, else "/": a sign-in never sends anyone elsewhere.</summary>
    public static string LocalPath(string? returnUrl) =>
        returnUrl is ['/', not '/' and not '\\', ..] or "/" ? returnUrl : "/";
}
