using System.Reflection;
using System.Reflection.PortableExecutable;
using Candles.Testing;

namespace Candles.Host.Tests;

/// <summary>
/// A Release build of the host is ReadyToRun: the SDK's precompilation runs after the build (Candles.Host.csproj), so
/// `dotnet src/Candles.Host/bin/Release/net10.0/candles.dll aggregate`, as the README runs it, starts without waiting
/// for the JIT (docs/PERFORMANCE.md). A Debug build is not. This reads the host's own output folder, the one a user runs.
/// </summary>
public sealed class PrecompiledBuildTests
{
    [Theory]
    [InlineData("candles.dll")]
    [InlineData("Candles.Core.dll")]
    [InlineData("Candles.Ingest.dll")]
    [InlineData("System.CommandLine.dll")]
    [InlineData("NodaTime.dll")]
    public void TheHostsOutputIsPrecompiledInReleaseAndNotInDebug(string assembly)
    {
        var configuration = typeof(PrecompiledBuildTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(GoldenFiles.RepositoryRoot, "src", "Candles.Host", "bin", configuration, "net10.0", assembly);
        Assert.True(File.Exists(path), $"{path} was not built");

        Assert.Equal(configuration == "Release", IsReadyToRun(path));
    }

    [Fact]
    public void AnIlOnlyAssemblyIsToldApart()
    {
        // This test project is never precompiled: the check above can say no.
        Assert.False(IsReadyToRun(typeof(PrecompiledBuildTests).Assembly.Location));
    }

    private static bool IsReadyToRun(string path)
    {
        using var file = File.OpenRead(path);
        using var pe = new PEReader(file);
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}
