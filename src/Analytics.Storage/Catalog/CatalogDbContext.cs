using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Analytics.Storage.Catalog;

/// <summary>
/// The product catalog: teams, people, services, templates, ingest bookkeeping, API keys and the audit trail. SQLite is the
/// source of truth (annotations and team goals are read from it directly: no query joins them with events); <see cref="CatalogMirrorExport.ExportMirrorAsync"/> feeds the read-only ClickHouse copy.
/// </summary>
public class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Person> People => Set<Person>();
    public DbSet<PersonIdentity> PersonIdentities => Set<PersonIdentity>();
    public DbSet<TeamMembership> TeamMemberships => Set<TeamMembership>();
    public DbSet<Service> Services => Set<Service>();
    public DbSet<ServiceOwnership> ServiceOwnerships => Set<ServiceOwnership>();
    public DbSet<Template> Templates => Set<Template>();
    public DbSet<ServiceTemplate> ServiceTemplates => Set<ServiceTemplate>();
    public DbSet<EnvironmentRule> EnvironmentRules => Set<EnvironmentRule>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<SourceCursor> SourceCursors => Set<SourceCursor>();
    public DbSet<IngestRun> IngestRuns => Set<IngestRun>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<UserAccount> UserAccounts => Set<UserAccount>();
    public DbSet<Annotation> Annotations => Set<Annotation>();
    public DbSet<TeamGoal> TeamGoals => Set<TeamGoal>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no DateTimeOffset type, and EF cannot ORDER BY or compare one stored as text.
        // UTC ticks in an INTEGER column compare and sort correctly in SQL, whatever offset was passed in.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Team>(team => team.HasIndex(t => t.Slug).IsUnique());

        modelBuilder.Entity<Person>(person => person.HasIndex(p => p.ExternalId).IsUnique());

        modelBuilder.Entity<PersonIdentity>(identity =>
        {
            identity.Property(i => i.Kind).HasConversion<string>();
            identity.HasIndex(i => new { i.Kind, i.Value }).IsUnique();
            identity.HasOne(i => i.Person).WithMany(p => p.Identities).HasForeignKey(i => i.PersonId);
        });

        // History rows must outlive casual deletes of the team, person or service they mention.
        modelBuilder.Entity<TeamMembership>(membership =>
        {
            membership.HasIndex(m => new { m.PersonId, m.ValidFrom });
            membership.HasOne(m => m.Person).WithMany().HasForeignKey(m => m.PersonId).OnDelete(DeleteBehavior.Restrict);
            membership.HasOne(m => m.Team).WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Service>(service =>
        {
            service.HasIndex(s => s.Slug).IsUnique();
            service.Property(s => s.DefaultBranch).HasDefaultValue(Service.DefaultBranchName);
        });

        modelBuilder.Entity<ServiceOwnership>(ownership =>
        {
            ownership.HasIndex(o => new { o.ServiceId, o.ValidFrom });
            // At most one current owner per service, even if two reassignments race.
            ownership.HasIndex(o => o.ServiceId)
                .IsUnique()
                .HasFilter($"\"{nameof(ServiceOwnership.ValidTo)}\" IS NULL")
                .HasDatabaseName("IX_ServiceOwnerships_ServiceId_Open");
            ownership.HasOne(o => o.Service).WithMany(s => s.Ownerships).HasForeignKey(o => o.ServiceId).OnDelete(DeleteBehavior.Restrict);
            ownership.HasOne(o => o.Team).WithMany().HasForeignKey(o => o.TeamId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Template>(template => template.HasIndex(t => t.Slug).IsUnique());

        modelBuilder.Entity<ServiceTemplate>(serviceTemplate =>
        {
            serviceTemplate.HasIndex(st => new { st.ServiceId, st.ValidFrom });
            serviceTemplate.HasOne(st => st.Service).WithMany().HasForeignKey(st => st.ServiceId).OnDelete(DeleteBehavior.Restrict);
            serviceTemplate.HasOne(st => st.Template).WithMany().HasForeignKey(st => st.TemplateId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<EnvironmentRule>(rule =>
        {
            rule.HasIndex(r => r.Source);
            // Without these, a fresh install would count no deployment as a production deployment.
            rule.HasData(
                new EnvironmentRule { Id = 1, Source = EnvironmentRule.AnySource, Pattern = EnvironmentRule.DefaultProduction, IsProduction = true },
                new EnvironmentRule { Id = 2, Source = EnvironmentRule.AnySource, Pattern = EnvironmentRule.DefaultNotProduction, IsProduction = false });
        });

        modelBuilder.Entity<Source>(source => source.HasIndex(s => s.Name).IsUnique());

        modelBuilder.Entity<SourceCursor>(cursor =>
        {
            cursor.HasIndex(c => new { c.SourceId, c.Resource }).IsUnique();
            cursor.HasOne(c => c.Source).WithMany(s => s.Cursors).HasForeignKey(c => c.SourceId);
        });

        modelBuilder.Entity<IngestRun>(run =>
        {
            run.Property(r => r.Status).HasConversion<string>();
            run.HasIndex(r => new { r.SourceId, r.StartedAt });
            // The cross-process lock: at most one running, leased run per source, even if two processes claim at once.
            run.HasIndex(r => r.SourceId)
                .IsUnique()
                .HasFilter($"\"{nameof(IngestRun.Status)}\" = '{nameof(IngestRunStatus.Running)}' AND \"{nameof(IngestRun.LeaseExpiresAt)}\" IS NOT NULL")
                .HasDatabaseName("IX_IngestRuns_SourceId_Leased");
            run.HasOne(r => r.Source).WithMany().HasForeignKey(r => r.SourceId);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.HasIndex(k => k.Prefix).IsUnique();
            key.HasIndex(k => k.Source);
        });

        modelBuilder.Entity<AuditEntry>(entry =>
        {
            // The writer numbers entries itself, inside the transaction that reads the previous hash.
            entry.Property(e => e.Id).ValueGeneratedNever();
            entry.HasIndex(e => e.At);
            entry.HasIndex(e => e.Actor);
            entry.HasIndex(e => e.Action);
        });

        modelBuilder.Entity<UserAccount>(account =>
        {
            account.Property(a => a.UserName).UseCollation("NOCASE");
            account.HasIndex(a => a.UserName).IsUnique();
        });

        modelBuilder.Entity<Annotation>(annotation =>
        {
            annotation.Property(a => a.Kind).HasConversion<string>();
            annotation.Property(a => a.Text).HasMaxLength(Annotation.MaxTextLength);
            annotation.HasIndex(a => new { a.TeamId, a.From });
            // A team with notes is not deleted casually; its notes explain its history.
            annotation.HasOne(a => a.Team).WithMany().HasForeignKey(a => a.TeamId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<TeamGoal>(goal =>
        {
            goal.HasIndex(g => new { g.TeamId, g.Figure }).IsUnique();
            goal.HasOne(g => g.Team).WithMany().HasForeignKey(g => g.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    /// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks and reads it back with a zero offset.</summary>
    public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));
}
