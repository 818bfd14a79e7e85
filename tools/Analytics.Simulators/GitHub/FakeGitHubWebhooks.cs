using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Analytics.Simulators.GitHub;

/// <summary>
/// One webhook delivery as GitHub sends it: the event name (X-GitHub-Event), a delivery id (X-GitHub-Delivery, kept by
/// a redelivery) and the body, signed with a webhook secret as GitHub signs it (X-Hub-Signature-256:
/// <c>sha256=</c> and the hex HMAC-SHA256 of the body's bytes).
/// </summary>
public sealed record FakeWebhookDelivery(string Event, string DeliveryId, byte[] Body)
{
    public string Signature(string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Body));

    /// <summary>The headers GitHub sends with the delivery, signed with <paramref name="secret"/>.</summary>
    public IReadOnlyDictionary<string, string> Headers(string secret) => new Dictionary<string, string>
    {
        ["X-GitHub-Event"] = Event,
        ["X-GitHub-Delivery"] = DeliveryId,
        ["X-GitHub-Hook-ID"] = "292430182",
        ["X-Hub-Signature-256"] = Signature(secret),
        ["User-Agent"] = "GitHub-Hookshot/044aadd",
    };
}

/// <summary>
/// Webhook deliveries of the fake's objects, in the envelopes of GitHub's published examples (npm
/// <c>@octokit/webhooks-examples</c>: <c>action</c>, the object under its event's property, <c>repository</c>,
/// <c>sender</c>; a push's <c>ref</c>, <c>before</c>, <c>after</c> and <c>commits</c>). The objects are the ones the REST
/// API serves (the same fixtures), as on GitHub, built from the fake's state at the time of the call: build a delivery,
/// change the object, build another, and the two carry the two states.
/// </summary>
public sealed partial class FakeGitHubServer
{
    public FakeWebhookDelivery PullRequestDelivery(FakeRepository repository, FakePull pull, string action) =>
        Delivery("pull_request", repository, new JsonObject { ["action"] = action, ["number"] = pull.Number, ["pull_request"] = PullJson(repository, pull) });

    public FakeWebhookDelivery ReviewDelivery(FakeRepository repository, FakePull pull, FakeReview review) =>
        Delivery("pull_request_review", repository, new JsonObject
        {
            ["action"] = "submitted", ["review"] = ReviewJson(repository, pull, review), ["pull_request"] = PullJson(repository, pull),
        });

    /// <param name="commits">The pushed commits' short names, oldest first (as GitHub lists them).</param>
    public FakeWebhookDelivery PushDelivery(FakeRepository repository, string branch, string before, params string[] commits)
    {
        var pushed = commits.Select(name => repository.Commits[FakeRepository.Pad(name)]).ToList();
        JsonObject Commit(FakeCommit commit) => new()
        {
            ["id"] = commit.Sha, ["tree_id"] = FakeRepository.Pad("tree-" + commit.Sha[..7]), ["distinct"] = true, ["message"] = commit.Message,
            ["timestamp"] = Time(commit.At), ["url"] = Html(repository, $"/commit/{commit.Sha}"),
            ["author"] = new JsonObject { ["name"] = commit.Author, ["email"] = commit.Email, ["username"] = commit.Email.Split('@')[0] },
            ["committer"] = new JsonObject { ["name"] = commit.Author, ["email"] = commit.Email, ["username"] = commit.Email.Split('@')[0] },
            ["added"] = new JsonArray(), ["removed"] = new JsonArray(), ["modified"] = new JsonArray(commit.Files.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()),
        };
        return Delivery("push", repository, new JsonObject
        {
            ["ref"] = $"refs/heads/{branch}", ["before"] = before.Length == 40 ? before : FakeRepository.Pad(before), ["after"] = pushed[^1].Sha,
            ["created"] = false, ["deleted"] = false, ["forced"] = false, ["base_ref"] = null,
            ["compare"] = Html(repository, $"/compare/{before}...{pushed[^1].Sha[..12]}"),
            ["commits"] = new JsonArray(pushed.Select(c => (JsonNode)Commit(c)).ToArray()),
            ["head_commit"] = Commit(pushed[^1]),
            ["pusher"] = new JsonObject { ["name"] = pushed[^1].Email.Split('@')[0], ["email"] = pushed[^1].Email },
        });
    }

    public FakeWebhookDelivery DeploymentDelivery(FakeRepository repository, FakeDeployment deployment) =>
        Delivery("deployment", repository, new JsonObject
        {
            ["action"] = "created", ["deployment"] = DeploymentJson(repository, deployment), ["workflow"] = null, ["workflow_run"] = null,
        });

    public FakeWebhookDelivery DeploymentStatusDelivery(FakeRepository repository, FakeDeployment deployment, FakeDeploymentStatus status) =>
        Delivery("deployment_status", repository, new JsonObject
        {
            ["action"] = "created", ["deployment_status"] = StatusJson(repository, deployment, status), ["deployment"] = DeploymentJson(repository, deployment),
        });

    public FakeWebhookDelivery WorkflowRunDelivery(FakeRepository repository, FakeWorkflow workflow, FakeRun run) =>
        Delivery("workflow_run", repository, new JsonObject
        {
            ["action"] = run.Status == "completed" ? "completed" : run.Status == "in_progress" ? "in_progress" : "requested",
            ["workflow_run"] = RunJson(repository, workflow, run), ["workflow"] = WorkflowJson(repository, workflow),
        });

    public FakeWebhookDelivery IssuesDelivery(FakeRepository repository, FakeIssue issue, string action) =>
        Delivery("issues", repository, new JsonObject { ["action"] = action, ["issue"] = IssueJson(repository, issue) });

    public FakeWebhookDelivery ReleaseDelivery(FakeRepository repository, FakeRelease release) =>
        Delivery("release", repository, new JsonObject { ["action"] = "published", ["release"] = ReleaseJson(repository, release) });

    /// <summary>GitHub's published examples the deliveries are built on; required before the first delivery is built.</summary>
    public FakeWebhookExamples? WebhookExamples { get; set; }

    private FakeWebhookDelivery Delivery(string eventName, FakeRepository repository, JsonObject body)
    {
        var examples = WebhookExamples ?? throw new InvalidOperationException(
            $"Set {nameof(WebhookExamples)} (FakeWebhookExamples.Load) before building webhook deliveries: they are built on GitHub's published examples.");
        body["repository"] = RepositoryJson(repository);
        body["sender"] = User(Template("pull-request")["user"], new FakeUser(repository.Owner));
        var payload = examples.Example(eventName, body["action"]?.GetValue<string>());
        FakeWebhookExamples.Overlay(payload, body);
        return new FakeWebhookDelivery(eventName, Guid.NewGuid().ToString(), Encoding.UTF8.GetBytes(payload.ToJsonString()));
    }
}

/// <summary>
/// GitHub's published webhook examples (npm <c>@octokit/webhooks-examples</c>, file <c>api.github.com/index.json</c>: per
/// event, example payloads of its actions). A fake delivery is the example of its event and action with the fake's
/// objects laid over it (<see cref="Overlay"/>), so it has every field GitHub sends, with the fake's values.
/// </summary>
public sealed class FakeWebhookExamples
{
    /// <summary>Where tests/github-webhook-examples (npm ci, scripts/install-test-prerequisites.sh) puts the examples.</summary>
    public const string RelativePath = "tests/github-webhook-examples/node_modules/@octokit/webhooks-examples/api.github.com/index.json";

    private readonly Dictionary<string, List<JsonObject>> _byEvent;

    private FakeWebhookExamples(Dictionary<string, List<JsonObject>> byEvent) => _byEvent = byEvent;

    /// <exception cref="FileNotFoundException">The examples are not installed (the message says how to install them).</exception>
    public static FakeWebhookExamples Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"GitHub's webhook examples are not installed at {path}: run scripts/install-test-prerequisites.sh (npm ci in tests/github-webhook-examples).", path);
        }
        var events = JsonNode.Parse(File.ReadAllText(path))!.AsArray();
        return new FakeWebhookExamples(events.Select(e => e!.AsObject()).ToDictionary(
            e => e["name"]!.GetValue<string>(),
            e => e["examples"]!.AsArray().Select(x => x!.AsObject()).ToList(),
            StringComparer.Ordinal));
    }

    /// <summary>
    /// The examples installed in this repository, found by walking up from the running binaries (a test's or a
    /// tool's bin folder) to the folder holding Analytics.sln; throws as <see cref="Load"/> when they are not installed.
    /// </summary>
    public static FakeWebhookExamples LoadInstalled()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Analytics.sln")))
            {
                return Load(Path.Combine(folder.FullName, RelativePath));
            }
        }
        throw new FileNotFoundException($"No folder above {AppContext.BaseDirectory} holds Analytics.sln, so GitHub's webhook examples ({RelativePath}) cannot be found.");
    }

    /// <summary>A copy of the first example of <paramref name="eventName"/> with <paramref name="action"/> (or the event's first).</summary>
    public JsonObject Example(string eventName, string? action)
    {
        var examples = _byEvent.TryGetValue(eventName, out var list) && list.Count > 0 ? list
            : throw new ArgumentException($"GitHub's webhook examples have no '{eventName}' event.", nameof(eventName));
        var example = examples.FirstOrDefault(x => x["action"]?.GetValue<string>() == action) ?? examples[0];
        return example.DeepClone().AsObject();
    }

    /// <summary>Lays <paramref name="values"/> over <paramref name="target"/>: objects field by field, anything else replaced.</summary>
    public static void Overlay(JsonObject target, JsonObject values)
    {
        foreach (var (name, value) in values.ToList())
        {
            if (value is JsonObject inner && target[name] is JsonObject existing)
            {
                Overlay(existing, inner);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }
}
