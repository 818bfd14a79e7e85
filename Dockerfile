# The analytics executable (dashboard, API, scheduler, CLI) for a ClickHouse *server* set-up;
# see docker-compose.yml and docs/operations.md ("Docker Compose"). The embedded engine is not used in this image.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Only what `dotnet publish src/Analytics.Web` reads: the build props, the product projects, and the SQL files and
# dashboards they ship as content. No tests/ or tools/ (simulators, benchmarks, browser drivers) reach the image;
# DeploymentFilesTests checks this list.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
COPY ingestors/ ingestors/
COPY sql/ sql/
COPY dashboards/ dashboards/
RUN dotnet publish src/Analytics.Web -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# /data holds the SQLite catalog; a named volume mounted there starts with this folder's owner, so the app can write.
RUN mkdir -p /data && chown app:app /data
# The .NET 8+ aspnet images ship a non-root user `app` (uid 1654); the app needs no root (it listens on 8080).
USER app
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "analytics.dll"]
