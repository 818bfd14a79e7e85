using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Quartz;

namespace Analytics.Ingestors.Runs;

/// <summary>Every problem with the configured sources — unknown kind, a cron that does not parse, the kind's own settings — each naming its setting.</summary>
public sealed class IngestSourcesOptionsValidator(IConfiguration configuration, IEnumerable<SourceKindSettings> kinds) : IValidateOptions<IngestSourcesOptions>
{
    private readonly Dictionary<string, SourceKindSettings> _kinds = kinds.ToDictionary(kind => kind.Kind, StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, IngestSourcesOptions options)
    {
        var problems = new List<string>();
        foreach (var (source, settings) in options.OrderBy(source => source.Key, StringComparer.Ordinal))
        {
            var prefix = $"{IngestSourcesOptions.Section}:{source}";
            if (!_kinds.TryGetValue(settings.Kind, out var kind))
            {
                problems.Add($"{prefix}:Kind is '{settings.Kind}'; it must be one of: {string.Join(", ", _kinds.Keys.Order())}.");
                continue;
            }
            if (CronProblem(source, settings.Cron) is { } cron)
            {
                problems.Add(cron);
            }
            problems.AddRange(kind.Validate(configuration.GetSection(prefix)));
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Why <paramref name="cron"/> cannot schedule source <paramref name="source"/>, or null (none is fine: on demand only).</summary>
    public static string? CronProblem(string source, string? cron) =>
        string.IsNullOrWhiteSpace(cron) || CronExpression.TryParse(cron.Trim(), out _)
            ? null
            : $"{IngestSourcesOptions.Section}:{source}:Cron '{cron.Trim()}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 * * * ?').";
}
