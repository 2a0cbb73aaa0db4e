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
        (LabeledDataset all, IReadOnlyList<string> columns) = SeparateTargets(CsvDataset.Read(path, classColumn, name, options.Classes), targets, path);
        LabeledDataset train, test;
        if (options.TestFile is { } testPath)
        {
            (LabeledDataset testData, IReadOnlyList<string> testColumns) = SeparateTargets(CsvDataset.Read(testPath, classColumn, name + "/test", options.Classes), targets, testPath);
            if (!testColumns.SequenceEqual(columns))
            {
                throw new DataFormatException(
                    $"{testPath}: its columns ({string.Join(", ", testColumns)}) differ from those of {path} ({string.Join(", ", columns)}).");
            }

            train = all;
            test = testData;
        }
        else
        {
            if (options.TestFraction is not (> 0 and < 1))
            {
                throw new ArgumentException($"--test-fraction {options.TestFraction}: must be between 0 and 1 (exclusive).");
            }

            int testCount = (int)Math.Round(all.Count * options.TestFraction);
            if (testCount < 1 || testCount >= all.Count)
            {
                throw new DataFormatException($"{path}: {all.Count} rows are too few to hold out {options.TestFraction:P0} for testing.");
            }

            train = Slice(all, 0, all.Count - testCount, name + "/train");
            test = Slice(all, all.Count - testCount, testCount, name + "/test");
        }

        return new TrainTestData(name, train, test, DataKind.Sensor) { TargetNames = targets };
    }

    private static string[] TargetColumns(string path, string? spec)
    {
        string[] names = (spec ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return names.Length > 0
            ? names
            : throw new ArgumentException($"{path}: --task regress needs --label-column naming the target column(s), comma-separated.");
    }

    /// <summary>Takes the named regression target columns out of the features into the dataset's targets, in the order named.</summary>
    private static (LabeledDataset Data, IReadOnlyList<string> Columns) SeparateTargets(CsvTable table, string[] targets, string path)
    {
        if (targets.Length == 0)
        {
            return (table.Dataset, table.FeatureNames);
        }

        List<string> names = [.. table.FeatureNames];
        int[] targetIndex = targets
            .Select(t => names.IndexOf(t) is >= 0 and var i ? i : throw new DataFormatException($"{path}: there is no column \"{t}\" (columns: {string.Join(", ", names)})."))
            .ToArray();
        if (targetIndex.Length == names.Count)
        {
            throw new DataFormatException($"{path}: every column is a target; a model needs at least one input column.");
        }

        int[] inputIndex = [.. Enumerable.Range(0, names.Count).Except(targetIndex)];
        LabeledDataset data = table.Dataset;
        float[] features = new float[data.Count * inputIndex.Length];
        float[] values = new float[data.Count * targetIndex.Length];
        for (int row = 0; row < data.Count; row++)
        {
            ReadOnlySpan<float> source = data.GetFeatures(row);
            for (int column = 0; column < inputIndex.Length; column++)
            {
                features[row * inputIndex.Length + column] = source[inputIndex[column]];
            }

            for (int target = 0; target < targetIndex.Length; target++)
            {
                values[row * targetIndex.Length + target] = source[targetIndex[target]];
            }
        }

        var separated = new LabeledDataset(data.Name, inputIndex.Length, features, targetIndex.Length, values);
        return (separated, [.. inputIndex.Select(i => names[i]), .. targets]);
    }

    private static LabeledDataset Slice(LabeledDataset all, int start, int count, string name)
    {
        float[] features = all.Features.Slice(start * all.FeatureCount, count * all.FeatureCount).ToArray();
        if (all.TargetCount > 0)
        {
            return new LabeledDataset(name, all.FeatureCount, features, all.TargetCount, all.Targets.Slice(start * all.TargetCount, count * all.TargetCount).ToArray());
        }

        int[]? labels = all.HasLabels ? all.Labels.Slice(start, count).ToArray() : null;
        return new LabeledDataset(name, all.FeatureCount, features, labels, all.ClassCount);
    }
}
