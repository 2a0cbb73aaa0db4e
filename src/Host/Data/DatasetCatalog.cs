using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>
/// Finds data by name: <c>sample</c> (the MNIST sample shipped with EdgeIL), <c>mnist</c> and
/// <c>fashion-mnist</c> (fetched by <c>tools/fetch-datasets</c> into the <see cref="DataFolder"/>), a
/// folder of MNIST-format IDX files, a CSV file of sensor readings, or a device recording (<c>.eilrec</c>).
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The name of the bundled sample.</summary>
    public const string SampleName = "sample";

    /// <summary>The datasets <c>tools/fetch-datasets</c> fetches into the data folder.</summary>
    public static IReadOnlyList<string> FetchedNames { get; } = ["mnist", "fashion-mnist"];

    /// <summary>The folder of the bundled MNIST sample, which ships beside the program in its build, publish and tool output.</summary>
    public static string SampleFolder
    {
        get
        {
            string folder = Path.Combine(AppContext.BaseDirectory, "samples", "mnist");
            return Directory.Exists(folder)
                ? folder
                : throw new DataNotFoundException($"The bundled MNIST sample is missing from this installation (expected {folder}); reinstall edgeil, or pass --data with another dataset.");
        }
    }

    /// <summary>Loads the train and test sets named by <paramref name="spec"/>.</summary>
    /// <param name="spec">The data's name or path.</param>
    /// <param name="csv">How to read a CSV file; the defaults when null.</param>
    /// <param name="dataFolder">Where fetched datasets are; null for <see cref="DataFolder.Resolve(string?)"/>.</param>
    /// <exception cref="DataNotFoundException">Nothing of that name was found; the message says how to get it.</exception>
    /// <exception cref="DataFormatException">A file is malformed; the message names the file and the position.</exception>
    public static TrainTestData Load(string spec, CsvOptions? csv = null, string? dataFolder = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (spec == SampleName)
        {
            return LoadIdxFolder(SampleFolder, SampleName, csv?.Classes);
        }

        if (FetchedNames.Contains(spec))
        {
            string root = dataFolder ?? DataFolder.Resolve();
            string folder = Path.Combine(root, spec);
            return Directory.Exists(folder)
                ? LoadIdxFolder(folder, spec, csv?.Classes)
                : throw new DataNotFoundException(NotFetchedMessage(spec, root));
        }

        if (spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(spec))
            {
                throw new DataNotFoundException(Directory.Exists(spec) ? $"CSV file '{spec}' is a folder, not a file." : $"CSV file '{spec}' does not exist.");
            }

            return CsvSplit.Load(spec, csv ?? new CsvOptions());
        }

        if (spec.EndsWith(RecordingSplit.Extension, StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(spec))
            {
                throw new DataNotFoundException(Directory.Exists(spec) ? $"Recording '{spec}' is a folder, not a file." : $"Recording '{spec}' does not exist.");
            }

            return RecordingSplit.Load(spec, (csv ?? new CsvOptions()).TestFraction);
        }

        if (Directory.Exists(spec))
        {
            return LoadIdxFolder(spec, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(spec))), csv?.Classes);
        }

        throw new DataNotFoundException(
            $"Unknown data '{spec}': use '{SampleName}', 'mnist', 'fashion-mnist', a folder of MNIST-format IDX files, a .csv file or a device recording (.eilrec).");
    }

    /// <summary>The one-line message for a dataset that is not in the data folder: where it was looked for and how to get it there.</summary>
    public static string NotFetchedMessage(string name, string dataFolder)
    {
        // A clone used before the data folder existed keeps its datasets in ./data; say so rather than fetch again.
        string local = Path.Combine("data", name);
        string hint = Directory.Exists(local) ? $" ({local} exists here: pass --data-dir data to use it)" : string.Empty;
        return $"Dataset '{name}' is not in {dataFolder}{hint}: run `tools/fetch-datasets {name}` from an EdgeIL clone (needs npm; it writes to the same folder), or point --data-dir or ${DataFolder.EnvironmentVariable} at a folder holding {name}/.";
    }

    private static TrainTestData LoadIdxFolder(string folder, string name, int? classes)
    {
        if (classes is { } count && count is < 2 or > IdxDataset.MaxClassCount)
        {
            throw new ArgumentException($"--classes {count}: an IDX label is one byte, so 2..{IdxDataset.MaxClassCount} classes.");
        }

        LabeledDataset train = IdxDataset.LoadMnistFolder(folder, MnistSplit.Train, $"{name}/train", classes);
        LabeledDataset test = IdxDataset.LoadMnistFolder(folder, MnistSplit.Test, $"{name}/test", classes);
        if (test.FeatureCount != train.FeatureCount)
        {
            // Found here, not at the first prediction, so the message can name the file at fault.
            string images = Path.Combine(folder, "t10k-images-idx3-ubyte");
            string file = File.Exists(images + ".gz") ? images + ".gz" : images;
            throw new DataFormatException(
                $"{file}: its images have {test.FeatureCount} values each, but the training images have {train.FeatureCount}; both splits must have the same size.");
        }

        return new TrainTestData(name, train, test, DataKind.Pixels);
    }
}

/// <summary>Data that was asked for by name and does not exist here.</summary>
public sealed class DataNotFoundException(string message) : Exception(message);
