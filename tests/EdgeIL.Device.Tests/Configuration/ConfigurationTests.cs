using System.Text;
using EdgeIL.Device.Configuration;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Streams;
using EdgeIL.Learner;

namespace EdgeIL.Device.Tests.Configuration;

public sealed class ConfigurationTests
{
    public static TheoryData<string> ShippedConfigurations => ["mnist-replay.json", "camera-classes.json", "imu-anomaly.json"];

    [Theory]
    [MemberData(nameof(ShippedConfigurations))]
    public void Load_ShippedConfiguration_IsValid(string fileName)
    {
        LoadedConfiguration loaded = DeviceConfigurationFile.Load(Path.Combine(RepositoryRoot.Find(), "firmware-config", fileName));

        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), loaded.Name);
    }

    [Fact]
    public void Parse_EmptyObject_TakesDefaults()
    {
        DeviceConfiguration configuration = Parse("""{ "source": { "replay": { "path": "x" } } }""");

        Assert.Equal(30, configuration.Loop.TickHz);
        Assert.Equal("il-prox", configuration.Model.Algorithm);
        Assert.Equal(GpioDriverKind.Auto, configuration.Gpio.Driver);
        Assert.Equal([64], configuration.Model.HiddenLayers);
    }

    [Fact]
    public void Load_FileWithUtf8ByteOrderMark_IsAccepted()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("saved-on-windows.json");
        File.WriteAllText(path, """{ "loop": { "tickHz": 12 }, "source": { "replay": { "path": "x" } } }""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);

        LoadedConfiguration loaded = DeviceConfigurationFile.Load(path);

        Assert.Equal(12, loaded.Configuration.Loop.TickHz);
    }

    [Fact]
    public void Load_Folder_IsAConfigurationErrorNamingIt()
    {
        using var directory = new TemporaryDirectory();
        Directory.CreateDirectory(directory.File("device.json"));

        var exception = Assert.Throws<ConfigurationException>(() => DeviceConfigurationFile.Load(directory.File("device.json")));

        Assert.StartsWith("device.json: cannot be read", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_I2cBusOutOfRange_NamesFileAndField()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            """{ "source": { "kind": "imu", "imu": { "i2cBus": 12 } }, "targets": { "kind": "none" } }""", "imu-anomaly.json"));

        Assert.Equal("imu-anomaly.json: source.imu.i2cBus: must be 0..10; got 12", Assert.Single(exception.Errors));
    }

    [Fact]
    public void Parse_SeveralProblems_ListsEvery()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            """{ "loop": { "tickHz": 0 }, "model": { "algorithm": "sgd" }, "source": { "replay": { "path": "x" } } }"""));

        Assert.Equal(2, exception.Errors.Count);
        Assert.Contains("c.json: loop.tickHz: must be 1..1000; got 0", exception.Errors);
        Assert.Contains(exception.Errors, error => error.StartsWith("c.json: model.algorithm: must be one of \"il-prox\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownField_NamesIt()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse("""{ "loop": { "tickHZ": 30 } }"""));

        Assert.StartsWith("c.json: loop.tickHZ: is not a known setting", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongType_NamesFieldAndLine()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse("{\n  \"loop\": {\n    \"tickHz\": \"fast\"\n  }\n}"));

        Assert.StartsWith("c.json: loop.tickHz: has the wrong type", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(line 3)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DatasetTargetsWithLiveSource_Refused()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse("""{ "source": { "kind": "imu" }, "targets": { "kind": "dataset" } }"""));

        Assert.StartsWith("c.json: targets.kind: \"dataset\" takes labels from a replayed dataset", Assert.Single(exception.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PinUsedTwice_NamesBothRoles()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            """{ "source": { "kind": "imu" }, "targets": { "kind": "buttons", "buttons": { "pins": [5, 6] } }, "outputs": { "leds": { "classPins": [6, 7] } } }"""));

        Assert.Equal("c.json: outputs.leds.classPins[0]: pin 6 is already used by targets.buttons.pins[1]", Assert.Single(exception.Errors));
    }

    [Fact]
    public void Parse_FloorAboveBudget_Refused()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            """{ "loop": { "floorIterations": 30 }, "source": { "replay": { "path": "x" } } }"""));

        Assert.Equal("c.json: loop.floorIterations: must be 0..25 (the budget of il-prox here is 25); got 30", Assert.Single(exception.Errors));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Parse_LearnerThreadsOutOfRange_Refused(int threads)
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            $$"""{ "model": { "learnerThreads": {{threads}} }, "source": { "replay": { "path": "x" } } }"""));

        Assert.Equal($"c.json: model.learnerThreads: must be 1..64; got {threads}", Assert.Single(exception.Errors));
    }

    [Fact]
    public void Parse_LearningSettingsOutOfRange_NameEachField()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            """{ "model": { "alpha": 0, "learningRate": -1, "epsilon": -0.5 }, "source": { "replay": { "path": "x" } } }"""));

        Assert.Equal(
            ["c.json: model.alpha: must be in (0, 1e6]; got 0", "c.json: model.learningRate: must be in (0, 1e3]; got -1"],
            exception.Errors.Take(2));
        Assert.Contains(exception.Errors, e => e.StartsWith("c.json: model.epsilon:", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NullSection_NamesIt()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse("""{ "loop": null }"""));

        Assert.StartsWith("c.json: loop:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShippedConfigurations_ReadTheirKindsAsWritten()
    {
        string folder = Path.Combine(RepositoryRoot.Find(), "firmware-config");

        DeviceConfiguration mnist = DeviceConfigurationFile.Load(Path.Combine(folder, "mnist-replay.json")).Configuration;
        DeviceConfiguration imu = DeviceConfigurationFile.Load(Path.Combine(folder, "imu-anomaly.json")).Configuration;

        Assert.Equal((SourceKind.Replay, ReplayFormat.Mnist, TargetKind.Dataset), (mnist.Source.Kind, mnist.Source.Replay.Format, mnist.Targets.Kind));
        Assert.Equal((SourceKind.Imu, TargetKind.None, InputScaling.Standardize), (imu.Source.Kind, imu.Targets.Kind, imu.Model.InputScaling));
    }

    [Fact]
    public void Parse_EveryClosedSetName_ReadsItsMember()
    {
        DeviceConfiguration configuration = Parse(
            """
            {
              "model": { "inputScaling": "fixed", "reconstructionHead": "sigmoid" },
              "source": { "kind": "camera", "camera": { "pixelFormat": "grey" }, "replay": { "format": "idx", "split": "test" } },
              "targets": { "kind": "none" },
              "outputs": { "recording": { "element": "uint8" } },
              "gpio": { "driver": "libgpiod-v2" }
            }
            """);

        Assert.Equal(SourceKind.Camera, configuration.Source.Kind);
        Assert.Equal(RawPixelFormat.Grey, configuration.Source.Camera.PixelFormat);
        Assert.Equal((ReplayFormat.Idx, MnistSplit.Test), (configuration.Source.Replay.Format, configuration.Source.Replay.Split));
        Assert.Equal(TargetKind.None, configuration.Targets.Kind);
        Assert.Equal(RecordingElement.UInt8, configuration.Outputs.Recording!.Element);
        Assert.Equal(GpioDriverKind.LibgpiodV2, configuration.Gpio.Driver);
        Assert.Equal(OutputHead.Sigmoid, configuration.Model.ReconstructionHead);
        Assert.Equal(TargetKind.StandardInput, Parse("""{ "source": { "replay": { "path": "x" } }, "targets": { "kind": "stdin" } }""").Targets.Kind);
    }

    [Theory]
    [InlineData("\"camra\"")]
    [InlineData("1")]
    public void Parse_UnknownKind_ListsTheNames(string kind)
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse($$"""{ "source": { "kind": {{kind}} } }"""));

        Assert.Equal("c.json: source.kind: must be one of \"replay\", \"camera\", \"imu\", \"adc\" (line 1)", Assert.Single(exception.Errors));
    }

    [Fact]
    public void Parse_SoftmaxReconstructionHead_IsRefused()
    {
        var exception = Assert.Throws<ConfigurationException>(() => Parse(
            """{ "model": { "reconstructionHead": "softmax" }, "source": { "kind": "imu" }, "targets": { "kind": "none" } }"""));

        Assert.StartsWith("c.json: model.reconstructionHead: must be \"identity\" or \"sigmoid\"", Assert.Single(exception.Errors), StringComparison.Ordinal);
    }

    private static DeviceConfiguration Parse(string json, string fileName = "c.json") =>
        DeviceConfigurationFile.Parse(Encoding.UTF8.GetBytes(json), fileName);
}
