using System.CommandLine;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;

namespace EdgeIL.Host.Commands;

/// <summary>The options that say which data a command reads, shared by every command that reads data.</summary>
public static class DataOptions
{
    /// <summary><c>--data</c>.</summary>
    public static readonly Option<string> Data = new("--data")
    {
        Description = "The data: 'sample' (bundled MNIST sample), 'mnist' or 'fashion-mnist' (after tools/fetch-datasets), a folder of MNIST-format IDX files, a .csv file, or a device recording (.eilrec).",
        DefaultValueFactory = _ => DatasetCatalog.SampleName,
    };

    /// <summary><c>--data-dir</c>.</summary>
    public static readonly Option<string?> DataDirectory = new("--data-dir")
    {
        Description = $"The folder holding the fetched datasets (mnist/, fashion-mnist/). Default: ${DataFolder.EnvironmentVariable}, else $XDG_DATA_HOME/edgeil, else ~/.local/share/edgeil",
    };

    /// <summary><c>--label-column</c>.</summary>
    public static readonly Option<string> LabelColumn = new("--label-column")
    {
        Description = "CSV only: the column of integer class ids ('none' for unlabelled logs); with --task regress, the real-valued target column(s), comma-separated.",
        DefaultValueFactory = _ => "label",
    };

    /// <summary><c>--test</c>.</summary>
    public static readonly Option<string?> TestFile = new("--test")
    {
        Description = "CSV only: a CSV file with the same columns to hold out for testing. Default: the last --test-fraction of the rows",
    };

    /// <summary><c>--test-fraction</c>.</summary>
    public static readonly Option<double> TestFraction = new("--test-fraction")
    {
        Description = "CSV and recordings, without --test: the share of rows at the end held out for testing.",
        DefaultValueFactory = _ => 0.2,
    };

    /// <summary><c>--classes</c>.</summary>
    public static readonly Option<int?> Classes = new("--classes")
    {
        Description = $"CSV and IDX: the number of classes the labels come from; a label at or above it is refused, naming the file and row. Default: CSV: the largest label + 1, refused above {CsvDataset.MaxUndeclaredClassCount}; IDX: {IdxDataset.MnistClassCount}",
    };

    /// <summary><c>--order</c>.</summary>
    public static readonly Option<string?> Order = new("--order")
    {
        Description = "The order of each pass over the training data: 'file' or 'shuffled' (reshuffled every pass). Default: file for CSV logs and recordings (time series), shuffled for datasets",
    };

    /// <summary>Adds the data options to <paramref name="command"/>.</summary>
    public static void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(DataDirectory);
        command.Add(LabelColumn);
        command.Add(TestFile);
        command.Add(TestFraction);
        command.Add(Classes);
        command.Add(Order);
    }

    /// <summary>Loads the data the options name, for <paramref name="task"/>.</summary>
    public static TrainTestData Load(ParseResult parse, LearningTask task = LearningTask.Classify)
    {
        string label = parse.GetValue(LabelColumn)!;
        int? classes = parse.GetValue(Classes);
        if (classes is < 2 or > CsvDataset.MaxClassCount)
        {
            throw new ArgumentException($"--classes {classes}: must be 2..{CsvDataset.MaxClassCount}.");
        }

        var csv = new CsvOptions(label == "none" ? null : label, parse.GetValue(TestFile), parse.GetValue(TestFraction), task == LearningTask.Regress, classes);
        TrainTestData data = DatasetCatalog.Load(parse.GetValue(Data)!, csv, parse.GetValue(DataDirectory));
        data = parse.GetValue(Order) switch
        {
            null => data,
            "file" => data with { Order = StreamOrder.File },
            "shuffled" => data with { Order = StreamOrder.Shuffled },
            var other => throw new ArgumentException($"--order {other}: must be 'file' or 'shuffled'."),
        };
        return task == LearningTask.Regress && data.TargetCount == 0
            ? throw new ArgumentException($"--task regress needs real-valued targets: a CSV file with --label-column naming them; {data.Name} has none.")
            : data;
    }
}
