using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages;

/// <summary>
/// The 404 page (the router's NotFoundPage): rendered for an unknown address and when a page calls
/// NavigationManager.NotFound(). For /teams/{team} it names the team and links the ones the catalog has.
/// </summary>
public partial class NotFound
{
    private sealed record NotFoundHelp(string Team, IReadOnlyList<string> KnownTeams, string Query);

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private Storage.Catalog.CatalogLookups Catalog { get; set; } = default!;

    private NotFoundHelp? _help;

    protected override async Task OnInitializedAsync()
    {
        var uri = new Uri(Navigation.Uri);
        var path = Navigation.ToBaseRelativePath(uri.GetLeftPart(UriPartial.Path));
        if (path.StartsWith("teams/", StringComparison.Ordinal) && path.Split('/') is [_, { Length: > 0 } team])
        {
            // The period (and tier year) the reader had stays on the links offered instead.
            _help = new NotFoundHelp(Uri.UnescapeDataString(team), await Catalog.TeamSlugsAsync(), uri.Query);
        }
    }
}
