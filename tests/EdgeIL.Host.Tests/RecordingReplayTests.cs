using EdgeIL.Device.Streams;
using EdgeIL.Host.Commands;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Tests;

/// <summary>A device recording replays on the desktop like any dataset.</summary>
public class RecordingReplayTests
{
    [Fact]
    public void Replay_DeviceRecordingOfSampleFrames_KeepsLabelledFramesAndLearns()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("camera.eilrec");
        var sample = SampleData.Sample.Train;
        using (var writer = new RecordingWriter(path, sample.FeatureCount, classCount: 10, RecordingElement.UInt8, tickHz: 30, startUnixMilliseconds: 0))
        {
            for (int i = 0; i < 1500; i++)
            {
                // Every third tick had no button held: the device did not learn from it, and neither does the replay.
                int target = i % 3 == 2 ? -1 : sample.GetLabel(i);
                writer.Write(new RecordedTick(i, target, Predicted: 0, Score: 0f), sample.CopyFeatures(i));
            }
        }

        TrainTestData data = DatasetCatalog.Load(path);
        Assert.Equal(1000, data.Train.Count + data.Test.Count);
        Assert.Equal(200, data.Test.Count);
        Assert.Equal(DataKind.Pixels, data.Kind);
        Assert.Equal(sample.CopyFeatures(0), data.Train.CopyFeatures(0));
        Assert.Equal(sample.GetLabel(3), data.Train.GetLabel(2));

        var options = new RunOptions { Layers = [784, 64, 10], Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx), EvaluateEvery = 400 };
        Assert.Equal(ExitCodes.Success, new ReplayRunner(TextWriter.Null, TextWriter.Null).Run(data, options, folder.File("run"), liveProgress: false));
        Assert.True(ReportJson.Read(folder.File("run/report.json")).GetProperty("final").GetProperty("test_accuracy").GetDouble() > 0.5);
    }

    [Fact]
    public void Load_NotARecording_NamesTheFile()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("broken.eilrec");
        File.WriteAllText(path, "this is not a recording, just some text that is long enough");
        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(path));
        Assert.Contains("broken.eilrec", error.Message);
    }
}
