using Xunit.Abstractions;
using Xunit.Sdk;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// A fact of the store contract. It is skipped, with the reason shown, when its test class carries
/// <see cref="RequiresClickHouseServerAttribute"/> and CLICKHOUSE_URL is not set.
/// </summary>
[XunitTestCaseDiscoverer("Analytics.Storage.Tests.ClickHouse.ContractFactDiscoverer", "Analytics.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresClickHouseServerAttribute : Attribute
{
    public const string Variable = "CLICKHOUSE_URL";

    /// <summary>A ClickHouse.Driver connection string, e.g. <c>Host=localhost;Port=8123;Username=default</c>.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static string SkipReason =>
        $"No ClickHouse server: set {Variable} to a ClickHouse.Driver connection string (e.g. Host=localhost;Port=8123) to run the contract against a real server.";
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsServer = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresClickHouseServerAttribute)).Any();
        return needsServer && RequiresClickHouseServerAttribute.ConnectionString is null
            ? new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
    }
}

/// <summary>A test case whose only outcome is "skipped: no ClickHouse server".</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    [Obsolete("For deserialization only.")]
    public SkippedTestCase() { }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method) { }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => RequiresClickHouseServerAttribute.SkipReason;
}
