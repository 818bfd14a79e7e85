using Analytics.Storage.Catalog;

namespace Analytics.Web.Api;

/// <summary>
/// Marks every figure the API answers from a demo store, as pages (a banner) and commands (stderr) do: a script
/// reading JSON or CSV sees no banner, so the answer carries <c>Analytics-Store: demo</c>.
/// </summary>
internal static class DemoStoreHeader
{
    public const string Name = "Analytics-Store";

    public static TBuilder WithDemoStoreHeader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (await http.RequestServices.GetRequiredService<CatalogSeeding>().IsDemoAsync(http.RequestAborted))
            {
                http.Response.Headers[Name] = "demo";
            }
            return await next(context);
        });
}
