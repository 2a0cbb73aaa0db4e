using EdgeIL.Device.Loop;
using EdgeIL.Device.Targets;

namespace EdgeIL.Device.Tests.Targets;

public sealed class LineProtocolTests
{
    [Theory]
    [InlineData("3", LineCommandKind.Hold, 3)]
    [InlineData("  label 2 ", LineCommandKind.Hold, 2)]
    [InlineData("once 0", LineCommandKind.Once, 0)]
    [InlineData("none", LineCommandKind.Clear, -1)]
    [InlineData("-", LineCommandKind.Clear, -1)]
    [InlineData("EXPORT", LineCommandKind.Export, -1)]
    [InlineData("checkpoint", LineCommandKind.Checkpoint, -1)]
    [InlineData("quit", LineCommandKind.Quit, -1)]
    [InlineData("", LineCommandKind.None, -1)]
    [InlineData("# holding the cup", LineCommandKind.None, -1)]
    public void TryParse_ValidLine_GivesCommand(string line, LineCommandKind kind, int label)
    {
        Assert.True(LineProtocol.TryParse(line, classCount: 4, out LineCommand command, out string? error));
        Assert.Null(error);
        Assert.Equal(new LineCommand(kind, label), command);
    }

    [Theory]
    [InlineData("4", "class 4 is out of range; classes are 0..3")]
    [InlineData("label", "\"label\" needs a class number")]
    [InlineData("label x", "\"x\" is not a class number")]
    [InlineData("-1", "unknown command \"-1\"")]
    [InlineData("jump", "unknown command \"jump\"")]
    [InlineData("quit now", "\"quit\" takes no argument")]
    public void TryParse_InvalidLine_SaysWhy(string line, string expected)
    {
        Assert.False(LineProtocol.TryParse(line, classCount: 4, out _, out string? error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_Lines_SetLabelsAndPostRequests()
    {
        using var requests = new DeviceRequests();
        var errors = new StringWriter();
        using var targets = new LineProtocolTargets(TextReader.Null, errors, requests, classCount: 3);

        targets.Apply("2");
        Assert.Equal(2, targets.CurrentLabel(-1));
        targets.Apply("once 0");
        Assert.Equal(0, targets.CurrentLabel(-1));
        Assert.Equal(2, targets.CurrentLabel(-1));
        targets.Apply("none");
        Assert.Equal(-1, targets.CurrentLabel(-1));
        targets.Apply("export");
        Assert.True(requests.TakeExport());
        targets.Apply("bogus");
        Assert.Contains("stdin line 5: unknown command", errors.ToString(), StringComparison.Ordinal);
        targets.Apply("quit");
        Assert.True(requests.StopRequested);
    }
}
