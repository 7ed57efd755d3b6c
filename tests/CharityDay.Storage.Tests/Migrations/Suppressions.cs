using System.Diagnostics.CodeAnalysis;

// Test names are sentences (STYLE.md habit 8). CharityDay.Domain.Tests turns CA1707 off in its
// project file; this project's file belongs to the lead, so the migration tests scope it here.
[assembly: SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores",
    Scope = "namespaceanddescendants", Target = "~N:CharityDay.Storage.Tests.Migrations",
    Justification = "Test names are sentences.")]
