using Blockstack.Node.Config;
using Blockstack.Node.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace Blockstack.Node.Tests;

[Trait("Category", "Unit")]
public sealed class LoggingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bsn-logging-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Create_FileSink_MicrosoftLoggerLinesArriveAsCompactJson()
    {
        var path = Path.Combine(_dir, "node.log");
        using (var serilog = NodeLogging.Create(new LoggingSection(LogEventLevel.Debug, Json: false, path, LogRolling.None)))
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            var logger = factory.CreateLogger("Blockstack.Chain.ChainCoordinator");
#pragma warning disable CA1848, CA1873, CA2254 // a plain call is what a library's ILogger line looks like to the bridge
            logger.LogInformation("Accepted block {StacksHeight} at burn height {BurnHeight}", 7, 12);
            logger.LogTrace("below the level");
#pragma warning restore CA1848, CA1873, CA2254
        }

        var lines = File.ReadAllLines(path);
        var line = Assert.Single(lines);
        Assert.Contains("\"@mt\":\"Accepted block {StacksHeight} at burn height {BurnHeight}\"", line, StringComparison.Ordinal);
        Assert.Contains("\"StacksHeight\":7", line, StringComparison.Ordinal);
        Assert.Contains("\"BurnHeight\":12", line, StringComparison.Ordinal);
        Assert.Contains("\"SourceContext\":\"Blockstack.Chain.ChainCoordinator\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_LevelWarning_DropsInformation()
    {
        var path = Path.Combine(_dir, "warn.log");
        using (var serilog = NodeLogging.Create(new LoggingSection(LogEventLevel.Warning, Json: true, path, LogRolling.None)))
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            var logger = factory.CreateLogger("x");
#pragma warning disable CA1848, CA1873, CA2254
            logger.LogInformation("quiet");
            logger.LogWarning("loud");
#pragma warning restore CA1848, CA1873, CA2254
        }

        var line = Assert.Single(File.ReadAllLines(path));
        Assert.Contains("loud", line, StringComparison.Ordinal);
    }
}
