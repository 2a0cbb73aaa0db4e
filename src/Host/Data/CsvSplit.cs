using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>How a CSV sensor log is read and split.</summary>
/// <param name="LabelColumn">The column of integer class ids; null when the log has none.</param>
/// <param name="TestFile">A separate CSV file with the same columns for the held-out set; null to split off the end of the log.</param>
/// <param name="TestFraction">When there is no test file: the share of rows at the end of the log held out, range 0 &lt; f &lt; 1.</param>
public sealed record CsvOptions(string? LabelColumn = "label", string? TestFile = null, double TestFraction = 0.2);

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
        CsvTable table = CsvDataset.Read(path, options.LabelColumn, name);
        LabeledDataset train, test;
        if (options.TestFile is { } testPath)
        {
            CsvTable testTable = CsvDataset.Read(testPath, options.LabelColumn, name + "/test");
            if (!testTable.FeatureNames.SequenceEqual(table.FeatureNames))
            {
                throw new DataFormatException(
                    $"{testPath}: its columns ({string.Join(", ", testTable.FeatureNames)}) differ from those of {path} ({string.Join(", ", table.FeatureNames)}).");
            }

            train = table.Dataset;
            test = testTable.Dataset;
        }
        else
        {
            if (options.TestFraction is not (> 0 and < 1))
            {
                throw new ArgumentException($"--test-fraction {options.TestFraction}: must be between 0 and 1 (exclusive).");
            }

            LabeledDataset all = table.Dataset;
            int testCount = (int)Math.Round(all.Count * options.TestFraction);
            if (testCount < 1 || testCount >= all.Count)
            {
                throw new DataFormatException($"{path}: {all.Count} rows are too few to hold out {options.TestFraction:P0} for testing.");
            }

            train = Slice(all, 0, all.Count - testCount, name + "/train");
            test = Slice(all, all.Count - testCount, testCount, name + "/test");
        }

        return new TrainTestData(name, train, test, DataKind.Sensor);
    }

    private static LabeledDataset Slice(LabeledDataset all, int start, int count, string name)
    {
        float[] features = all.Features.Slice(start * all.FeatureCount, count * all.FeatureCount).ToArray();
        int[]? labels = all.HasLabels ? all.Labels.Slice(start, count).ToArray() : null;
        return new LabeledDataset(name, all.FeatureCount, features, labels, all.ClassCount);
    }
}
