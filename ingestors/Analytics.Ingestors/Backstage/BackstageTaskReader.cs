using System.Globalization;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Backstage;

/// <summary>
/// Reads the scaffolder's tasks (newest first, <c>limit</c>/<c>offset</c> paging) and writes each finished one as a
/// self-service request through the CSV service-requests format: kind = the template, team = the requester's team
/// when the task was created, requested = created, closed = the task's last heartbeat; status fulfilled (and fulfilled
/// then) when it completed, failed when it failed, cancelled when it was cancelled or skipped: a failed task is a
/// request that was never fulfilled, not one still open.
/// </summary>
/// <remarks>
/// Incremental: the cursor keeps a watermark (the creation time of the oldest task still running at the last run,
/// else the newest task's) and the ids of the tasks already written from there on. Pages are read until a task older
/// than the watermark; tasks written before are skipped, so an unchanged task list costs one request and writes nothing.
/// </remarks>
internal sealed class BackstageTaskReader(BackstageSyncRun run)
{
    public const string Resource = "scaffolder-tasks";

    internal sealed record TaskCursor(DateTimeOffset Watermark, List<string> Written);

    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        var cursor = (await run.Run.Cursors.ReadAsync<TaskCursor>(Resource, cancellationToken)).State;
        var pageSize = Math.Min(run.Settings.PageSize, 1000);
        var first = run.Api.Url($"api/scaffolder/v2/tasks?limit={pageSize.ToString(CultureInfo.InvariantCulture)}&offset=0");
        var read = new List<SerializedTask>();
        await Pager.ReadAsync(
            Pager.PagesAsync<SerializedTask>(first, null, new OffsetPaging("offset", pageSize),
                (url, _, token) => run.Api.GetPageAsync<TaskListResponse, SerializedTask>(url, null, body => (body.Tasks ?? [], null, null), token),
                cancellationToken),
            page =>
            {
                var fresh = page.Items.Where(t => cursor is null || t.CreatedAt >= cursor.Watermark).ToList();
                read.AddRange(fresh);
                return Task.FromResult(fresh.Count == page.Items.Count);
            });

        var written = (cursor?.Written ?? []).ToHashSet(StringComparer.Ordinal);
        var finished = read.Where(t => t.IsFinished && !written.Contains(t.Id)).ToList();
        var records = new List<SourceRecord>();
        foreach (var task in finished)
        {
            if (await RecordAsync(task, cancellationToken) is { } record)
            {
                records.Add(record);
            }
        }
        await run.ImportAsync(new ServiceRequestsCsvFormat(), records, cancellationToken);

        var watermark = read.Where(t => !t.IsFinished).Select(t => (DateTimeOffset?)t.CreatedAt).Min()
            ?? read.Select(t => (DateTimeOffset?)t.CreatedAt).Max()
            ?? cursor?.Watermark ?? DateTimeOffset.UnixEpoch;
        // Finished tasks from the watermark on: written now or before, or skipped with a warning (no team, no template).
        var keep = read.Where(t => t.IsFinished && t.CreatedAt >= watermark).Select(t => t.Id).Distinct().Order(StringComparer.Ordinal).ToList();
        run.Run.Cursors.Advance(Resource, new TaskCursor(watermark, keep));
    }

    private async Task<SourceRecord?> RecordAsync(SerializedTask task, CancellationToken cancellationToken)
    {
        var label = $"scaffolder task {task.Id}";
        var template = EntityRefs.Normalize(task.Spec?.TemplateInfo?.EntityRef, "template");
        var user = EntityRefs.Normalize(task.Spec?.User?.Ref ?? task.CreatedBy, "user");
        if (template is null)
        {
            run.Run.Warn($"{label}: names no template (spec.templateInfo.entityRef), so it is not counted as a self-service request.");
            return null;
        }
        var team = user is null ? null : await run.Services.Lookups.TeamOfAsync(EntityRefs.Key(user), task.CreatedAt, cancellationToken);
        if (team is null)
        {
            // The requester is not in the catalog's teams then (or the task was started by a service): no team to count it for.
            run.Run.Warn($"{label}: its requester was in no team on {task.CreatedAt:yyyy-MM-dd}, so it is not counted as a self-service request.");
            return null;
        }
        // Backstage lists no completion time: the last heartbeat is within seconds of it. A completed task is fulfilled
        // then; a failed one failed then (never fulfilled); a cancelled or skipped one was withdrawn.
        var closed = task.LastHeartbeatAt ?? task.CreatedAt;
        var status = task.Status switch { "completed" => "fulfilled", "failed" => "failed", _ => "cancelled" };
        return new SourceRecord(label, new Dictionary<string, string?>
        {
            ["request_id"] = $"backstage-task-{task.Id}",
            ["team"] = team,
            ["kind"] = EntityRefs.Key(template),
            ["channel"] = "self_service",
            ["requested_at"] = IsoTime.Format(task.CreatedAt),
            ["fulfilled_at"] = status == "fulfilled" ? IsoTime.Format(closed) : null,
            ["status"] = status,
            ["closed_at"] = IsoTime.Format(closed),
        });
    }
}
