using System.Globalization;
using System.Text;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Commands;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Host.Tests;

/// <summary>A recorded sensor log replayed end to end: raw units, standardised by the model's input stage.</summary>
public class CsvReplayTests
{
    /// <summary>
    /// Three classes of "vibration" readings in raw sensor units (offsets in the thousands, spread
    /// of a few units), written as a device log would be.
    /// </summary>
    private static string WriteLog(string path, int rows, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("temperature_c,accel_x,accel_y,pressure_pa,label\n");
        for (int i = 0; i < rows; i++)
        {
            int label = random.Next(3);
            double temperature = 20 + 2 * random.NextDouble();
            double x = label * 3.0 + random.NextDouble();
            double y = (label == 1 ? 4.0 : 0.0) + random.NextDouble();
            double pressure = 101_000 + 50 * random.NextDouble();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{temperature:F3},{x:F4},{y:F4},{pressure:F1},{label}"));
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void Replay_SensorLogWithStandardization_LearnsAndPredictsEveryRow()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("vibration.csv"), 1500, seed: 1);
        TrainTestData data = DatasetCatalog.Load(log, new CsvOptions());
        Assert.Equal(1200, data.Train.Count);
        Assert.Equal(300, data.Test.Count);

        var options = new RunOptions
        {
            Algorithm = LearningAlgorithm.ILProx,
            Layers = [4, 16, 3],
            Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx),
            EvaluateEvery = 400,
            InputScaling = new InputScalingOptions(Standardize: true),
        };
        Assert.Equal(ExitCodes.Success, new ReplayRunner(TextWriter.Null, TextWriter.Null).Run(data, options, folder.Path, liveProgress: false));
        var report = ReportJson.Read(folder.File("report.json"));
        ReportJson.AssertValidClassifierReport(report, 1200);
        Assert.True(report.GetProperty("final").GetProperty("test_accuracy").GetDouble() > 0.9);

        Mlp model = CheckpointFile.Load(folder.File("model.edgeil")).Model;
        Assert.Equal(InputScaling.Standardize, model.Input.Scaling);
        Assert.Equal(1200, model.Input.Count);

        string predictions = folder.File("predictions.csv");
        Assert.Equal(ExitCodes.Success, new PredictRunner(TextWriter.Null).Run(model, data, predictions));
        string[] lines = File.ReadAllLines(predictions);
        Assert.Equal("index,predicted,p0,p1,p2", lines[0]);
        Assert.Equal(1501, lines.Length);
        Assert.StartsWith("1499,", lines[^1]);
        foreach (string line in lines.Skip(1))
        {
            double[] p = line.Split(',').Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 1e-4);
        }
    }

    [Fact]
    public void Execute_FreezeInputAfter_StopsTheStatisticsThere()
    {
        using var folder = new TemporaryFolder();
        TrainTestData data = DatasetCatalog.Load(WriteLog(folder.File("log.csv"), 500, seed: 2), new CsvOptions());
        RunResult result = OnlineRun.Execute(data, new RunOptions
        {
            Layers = [4, 8, 3],
            Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx),
            InputScaling = new InputScalingOptions(Standardize: true, FreezeAfter: 100),
        });
        Assert.Equal(400, result.Learner.SamplesSeen);
        Assert.Equal(100, result.Learner.Model.Input.Count);
        Assert.True(result.Learner.Model.Input.Frozen);
    }

    [Fact]
    public void Load_TestFile_WithOtherColumns_IsRefused()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("a.csv"), 50, seed: 1);
        string other = folder.File("b.csv");
        File.WriteAllText(other, "temperature_c,accel_x,label\n1,2,0\n");
        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(log, new CsvOptions(TestFile: other)));
        Assert.Contains("b.csv", error.Message);
    }

    [Fact]
    public void Replay_StrayLabelCell_ExitsWithBadInputNamingFileAndLine()
    {
        // Before, one cell of 65535 made a 65,536-output model.
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("log.csv"), 50, seed: 1);
        File.AppendAllText(log, "20.5,1.0,0.5,101010.0,65535\n");

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", log, "--out", folder.File("out"));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{log}: line 52, column \"label\": class id \"65535\" is above 999", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ClassesGiven_RefusesALabelOutsideAndSizesTheOutputByThem()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("log.csv"), 50, seed: 1);

        Assert.Equal(5, DatasetCatalog.Load(log, new CsvOptions(Classes: 5)).ClassCount);
        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(log, new CsvOptions(Classes: 2)));
        Assert.Contains("outside 0..1 for the 2 classes given", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LongLog_HoldsOutItsEndButAtMostTenThousandRows()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("long.csv"), 60_000, seed: 3);

        TrainTestData data = DatasetCatalog.Load(log, new CsvOptions(TestFraction: 0.2));

        Assert.Equal(HeldOut.MaxRows, data.Test.Count);
        Assert.Equal(50_000, data.Train.Count);
        Assert.Equal(File.ReadLines(log).Last().Split(',')[1], data.Test.CopyFeatures(HeldOut.MaxRows - 1)[1].ToString("F4", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Load_SensorLog_ReplaysInFileOrderUnlessShuffledIsAsked()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("log.csv"), 50, seed: 4);
        TrainTestData data = DatasetCatalog.Load(log);

        using ISampleStream stream = data.OpenTrainStream(seed: 9, samples: 80);
        float[] row = new float[data.InputCount];
        for (int i = 0; i < 80; i++)
        {
            Assert.True(stream.TryRead(row, out _));
            Assert.Equal(data.Train.CopyFeatures(i % data.Train.Count), row);
        }

        Assert.Equal(StreamOrder.File, data.Order);
        Assert.Equal(StreamOrder.Shuffled, DatasetCatalog.Load(DatasetCatalog.SampleName).Order);
    }
}

public class CsvRegressionTests
{
    [Fact]
    public void Replay_RegressTask_LearnsTheTargetAndPredictsItByName()
    {
        using var folder = new TemporaryFolder();
        string log = folder.File("power.csv");
        var random = new Random(5);
        var text = new StringBuilder("voltage,current,noise,power_w\n");
        for (int i = 0; i < 2000; i++)
        {
            double voltage = 3 + random.NextDouble();
            double current = random.NextDouble();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{voltage:F4},{current:F4},{random.NextDouble():F4},{voltage * current:F5}"));
        }

        File.WriteAllText(log, text.ToString());
        TrainTestData data = DatasetCatalog.Load(log, new CsvOptions("power_w", Regression: true));
        Assert.Equal(3, data.InputCount);
        Assert.Equal(["power_w"], data.TargetNames);

        var options = new RunOptions
        {
            Algorithm = LearningAlgorithm.ILProx,
            Task = LearningTask.Regress,
            Layers = [3, 32, 1],
            Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx),
            EvaluateEvery = 400,
            InputScaling = new InputScalingOptions(Standardize: true),
        };
        Assert.Equal(ExitCodes.Success, new ReplayRunner(TextWriter.Null, TextWriter.Null).Run(data, options, folder.Path, liveProgress: false));
        var report = ReportJson.Read(folder.File("report.json"));
        double first = report.GetProperty("checkpoints")[0].GetProperty("test_rmse").GetDouble();
        double last = report.GetProperty("final").GetProperty("test_rmse").GetDouble();

        // The target spans about 0..4 W; a model that learned nothing is off by about 1 W.
        Assert.True(last < 0.25 && last < first / 4, $"RMSE {first} -> {last}");

        Mlp model = CheckpointFile.Load(folder.File("model.edgeil")).Model;
        string predictions = folder.File("predictions.csv");
        new PredictRunner(TextWriter.Null).Run(model, data, predictions);
        string[] lines = File.ReadAllLines(predictions);
        Assert.Equal("index,power_w", lines[0]);
        Assert.Equal(2001, lines.Length);
    }

    [Fact]
    public void Load_RegressWithUnknownTarget_NamesTheColumns()
    {
        using var folder = new TemporaryFolder();
        string log = folder.File("a.csv");
        File.WriteAllText(log, "x,y\n1,2\n3,4\n5,6\n7,8\n9,10\n");
        var error = Assert.Throws<DataFormatException>(() => DatasetCatalog.Load(log, new CsvOptions("z", Regression: true)));
        Assert.Contains("\"z\"", error.Message);
        Assert.Contains("\"x\", \"y\"", error.Message);
    }
}
