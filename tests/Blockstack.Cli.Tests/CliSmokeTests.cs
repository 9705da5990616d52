namespace Blockstack.Cli.Tests;

[Trait("Category", "Unit")]
public class CliSmokeTests
{
    [Fact]
    public void Help_PrintsUsage_ExitsZero()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(["--help"], TextReader.Null, stdout, stderr);
        Assert.Equal(0, code);
        Assert.Contains("blockstack", stdout.ToString(), StringComparison.Ordinal);
    }
}
