namespace Analytics.Ingestors.Demo;

/// <summary>Words the demo organisation's names are made of.</summary>
internal static class NamePools
{
    public static readonly string[] TeamNames =
    [
        "Payments", "Checkout", "Search", "Identity", "Notifications", "Catalog", "Orders", "Shipping",
        "Pricing", "Recommendations", "Growth", "Onboarding", "Billing", "Fraud", "Inventory", "Messaging",
        "Insights", "Mobile", "Storefront", "Loyalty", "Reviews", "Returns", "Partners", "Ads",
        "Media", "Maps", "Support", "Compliance", "Ledger", "Accounts",
    ];

    public static readonly string[] ServiceSuffixes =
    [
        "api", "worker", "web", "gateway", "events", "scheduler", "store", "admin", "sync", "reports", "ingest", "cache",
    ];

    public static readonly string[] FirstNames =
    [
        "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "John",
        "Radia", "Tim", "Katherine", "Edsger", "Hedy", "Donald", "Sophie", "Guido", "Anita", "Bjarne",
        "Lynn", "James", "Shafi", "Niklaus", "Joan", "Leslie", "Mary", "Brian", "Jean", "Rob",
        "Karen", "Ivan", "Adele", "Butler", "Carol", "Robin", "Evelyn", "Whitfield", "Susan", "Vint",
        "Amara", "Kenji", "Priya", "Mateo", "Ingrid", "Tariq", "Mei", "Olu", "Freya", "Diego",
        "Yuki", "Nadia", "Sven", "Zainab", "Luca", "Aisha", "Pavel", "Chloe", "Rafael", "Hana",
    ];

    public static readonly string[] LastNames =
    [
        "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson", "Allen", "McCarthy",
        "Perlman", "Berners-Lee", "Johnson", "Dijkstra", "Lamarr", "Knuth", "Wilson", "Van Rossum", "Borg", "Stroustrup",
        "Conway", "Gosling", "Goldwasser", "Wirth", "Clarke", "Lamport", "Shaw", "Kernighan", "Sammet", "Pike",
        "Jones", "Sutherland", "Goldberg", "Lampson", "Shannon", "Milner", "Boyer", "Diffie", "Kare", "Cerf",
        "Okafor", "Tanaka", "Sharma", "Garcia", "Larsen", "Haddad", "Chen", "Adeyemi", "Nilsson", "Fernandez",
        "Sato", "Petrova", "Andersen", "Bello", "Rossi", "Khan", "Novak", "Martin", "Silva", "Kim",
    ];

    public static readonly string[] Features =
    [
        "retry policy", "rate limiting", "audit log", "pagination", "health checks", "feature flag", "cache invalidation",
        "idempotency keys", "structured logging", "metrics endpoint", "input validation", "timeout handling",
        "batch export", "webhook delivery", "search filters", "currency rounding", "locale fallback", "config reload",
        "connection pooling", "schema migration", "error messages", "tracing spans", "dark mode", "CSV import",
    ];

    public static readonly string[] Dependencies =
    [
        "jackson-databind", "spring-boot", "netty", "log4j-core", "express", "axios", "lodash", "typescript",
        "junit-jupiter", "jest", "guava", "micrometer", "opentelemetry-sdk", "postgresql", "eslint", "undici",
    ];

    public static readonly string[] IncidentSymptoms =
    [
        "Elevated 5xx rate on {0}", "{0} latency above SLO", "{0} failing health checks", "Error spike after {0} release",
        "{0} consumer lag growing", "Timeouts calling {0}", "{0} returning stale data", "Memory pressure on {0} pods",
    ];
}
