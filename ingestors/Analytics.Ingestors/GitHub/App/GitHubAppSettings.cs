using System.Globalization;
using System.Security.Cryptography;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.GitHub.App;

/// <summary>
/// A GitHub App a source signs in as: its id, its private key (PEM, from <c>AppPrivateKeyFile</c>, a file readable by
/// its owner only, or <c>AppPrivateKey</c> from user-secrets or the environment) and the installation whose
/// repositories it reads. The key is a secret like the token: this type shows it nowhere. Built from the source's
/// settings (<see cref="GitHubSourceSettings.App"/>), not bound from configuration itself.
/// </summary>
public sealed class GitHubAppSettings
{
    public required long AppId { get; init; }

    public required long InstallationId { get; init; }

    /// <summary>The private key as PEM text (PKCS#1 as GitHub hands it out, or PKCS#8).</summary>
    public required string PrivateKeyPem { get; init; }

    public override string ToString() => $"GitHub App {AppId}, installation {InstallationId}";

    /// <summary>The App settings of a source, or null when it configures none (AppId unset); problems go to <paramref name="read"/>.</summary>
    internal static GitHubAppSettings? Read(SourceSettingsReader read, IConfigurationSection section)
    {
        if (!read.Has("AppId"))
        {
            return null;
        }
        var path = section.Path;
        var appId = Number(read, section, "AppId");
        var installationId = Number(read, section, "InstallationId");
        var pem = PrivateKey(read, section);
        return appId is null || installationId is null || pem is null ? null
            : new GitHubAppSettings { AppId = appId.Value, InstallationId = installationId.Value, PrivateKeyPem = pem };

        static long? Number(SourceSettingsReader read, IConfigurationSection section, string key)
        {
            if (long.TryParse(section[key], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return value;
            }
            read.Problems.Add($"{section.Path}:{key} must be the GitHub App's {(key == "AppId" ? "App ID" : "installation id")}, a positive whole number (GitHub shows it on the app's settings page{(key == "AppId" ? "" : " and in the installation's address")}).");
            return null;
        }

        string? PrivateKey(SourceSettingsReader read, IConfigurationSection section)
        {
            var file = read.Text("AppPrivateKeyFile");
            var inline = section["AppPrivateKey"];
            if (file is not null && !string.IsNullOrWhiteSpace(inline))
            {
                read.Problems.Add($"{path}:AppPrivateKey and {path}:AppPrivateKeyFile are both set: keep one.");
                return null;
            }
            string text;
            string where;
            if (file is not null)
            {
                where = $"{path}:AppPrivateKeyFile '{file}'";
                if (!File.Exists(file))
                {
                    read.Problems.Add($"{where} does not exist.");
                    return null;
                }
                if (!OperatingSystem.IsWindows()
                    && (File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
                {
                    read.Problems.Add($"{where} can be read or written by others: make it readable by its owner only (chmod 600).");
                    return null;
                }
                text = File.ReadAllText(file);
            }
            else if (!string.IsNullOrWhiteSpace(inline))
            {
                where = $"{path}:AppPrivateKey";
                text = inline;
            }
            else
            {
                read.Problems.Add($"{path}:AppPrivateKeyFile must name the GitHub App's private key (.pem, chmod 600), or {path}:AppPrivateKey hold it (user-secrets or the environment; it is never logged).");
                return null;
            }
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(text);
                return text;
            }
            catch (Exception error) when (error is ArgumentException or CryptographicException)
            {
                // The key's text is never quoted: only where it came from.
                read.Problems.Add($"{where} holds no RSA private key in PEM form (-----BEGIN RSA PRIVATE KEY----- as GitHub generates it).");
                return null;
            }
        }
    }
}
