using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Candles.Storage.Sealed.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running service or database.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CandlesDbContext>
{
    public CandlesDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CandlesDbContext>().UseNpgsql("Host=127.0.0.1;Database=candles").Options);
}
