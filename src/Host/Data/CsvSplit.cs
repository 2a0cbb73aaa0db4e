using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>How a CSV sensor log is read and split.</summary>
/// <param name="LabelColumn">The column of integer class ids; null when the log has none.</param>
/// <param name="TestFile">A separate CSV file with the same columns for the held-out set; null to split off the end of the log.</param>
/// <param name="TestFraction">When there is no test file: the share of rows at the end of the log held out, range 0 &lt; f &lt; 1.</param>
/// <param name="Regression">When true, <paramref name="LabelColumn"/> names one or more comma-separated real-valued target columns instead of a class column.</param>
/// <param name="Classes">The number of classes the labels come from (CSV and IDX); null to take the largest CSV label + 1 (at most 1,000), or IDX's 10.</param>
public sealed record CsvOptions(string? LabelColumn = "label", string? TestFile = null, double TestFraction = 0.2, bool Regression = false, int? Classes = null);

/// <summary>
/// Reads a CSV sensor log into train and test sets. Without a test file the last rows are held
/// out: a log is a time series, and testing on its end measures what a device would meet next,
/// where a random split would leak neighbouring, nearly identical readings into the test set.
/// </summary>
public static class CsvSplit
{
    /// <summary>Loads <paramref name="path"/> (and the test file, if any) as configured.</summary>
    public static TrainTestData Load(string path, CsvOptions options)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        string? classColumn = options.Regression ? null : options.LabelColumn;
        string[] targets = options.Regression ? TargetColumns(path, options.LabelColumn) : [];
        CsvTable table = CsvDataset.Read(path, classColumn, name, options.Classes, targets);
        LabeledDataset all = table.Dataset;
        LabeledDataset train, test;
        if (options.TestFile is { } testPath)
        {
            CsvTable testTable = CsvDataset.Read(testPath, classColumn, name + "/test", options.Classes, targets);
            if (!testTable.FeatureNames.SequenceEqual(table.FeatureNames))
            {
                throw new DataFormatException(
                    $"{testPath}: its columns ({string.Join(", ", testTable.FeatureNames)}) differ from those of {path} ({string.Join(", ", table.FeatureNames)}).");
            }

            train = all;
            test = testTable.Dataset;
        }
        else
        {
            int testCount = HeldOut.Count(path, all.Count, options.TestFraction, "rows");
            train = all.Slice(0, all.Count - testCount, name + "/train");
            test = all.Slice(all.Count - testCount, testCount, name + "/test");
        }

        return new TrainTestData(name, train, test, DataKind.Sensor) { TargetNames = targets, Order = StreamOrder.File, CsvPath = path };
    }

    private static string[] TargetColumns(string path, string? spec)
    {
        string[] names = (spec ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return names.Length > 0
            ? names
            : throw new ArgumentException($"{path}: --task regress needs --label-column naming the target column(s), comma-separated.");
    }
}
