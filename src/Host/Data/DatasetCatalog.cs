using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>
/// Finds data by name: <c>sample</c> (the MNIST sample shipped with EdgeIL), <c>mnist</c> and
/// <c>fashion-mnist</c> (fetched by <c>tools/fetch-datasets</c> into <c>data/</c>), a folder of
/// MNIST-format IDX files, a CSV file of sensor readings, or a device recording (<c>.eilrec</c>).
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The name of the bundled sample.</summary>
    public const string SampleName = "sample";

    /// <summary>The folder of the bundled MNIST sample: beside the program, or in the source tree it runs from.</summary>
    public static string SampleFolder =>
        FindUpwards(Path.Combine("samples", "mnist"))
        ?? throw new DataNotFoundException("The bundled MNIST sample (samples/mnist) is missing from this installation.");

    /// <summary>Loads the train and test sets named by <paramref name="spec"/>.</summary>
    /// <exception cref="DataNotFoundException">Nothing of that name was found; the message says how to get it.</exception>
    /// <exception cref="DataFormatException">A file is malformed; the message names the file and the position.</exception>
    public static TrainTestData Load(string spec, CsvOptions? csv = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (spec == SampleName)
        {
            return LoadIdxFolder(SampleFolder, SampleName, csv?.Classes);
        }

        if (spec is "mnist" or "fashion-mnist")
        {
            string folder = FindUpwards(Path.Combine("data", spec))
                ?? throw new DataNotFoundException(
                    $"Dataset '{spec}' has not been fetched. Run `tools/fetch-datasets {spec}` from the EdgeIL folder (it needs npm), then try again.");
            return LoadIdxFolder(folder, spec, csv?.Classes);
        }

        if (spec.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(spec))
            {
                throw new DataNotFoundException($"CSV file '{spec}' does not exist.");
            }

            return CsvSplit.Load(spec, csv ?? new CsvOptions());
        }

        if (spec.EndsWith(RecordingSplit.Extension, StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(spec))
            {
                throw new DataNotFoundException($"Recording '{spec}' does not exist.");
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

    private static TrainTestData LoadIdxFolder(string folder, string name, int? classes)
    {
        if (classes is { } count && count is < 2 or > IdxDataset.MaxClassCount)
        {
            throw new ArgumentException($"--classes {count}: an IDX label is one byte, so 2..{IdxDataset.MaxClassCount} classes.");
        }

        return new(
            name,
            IdxDataset.LoadMnistFolder(folder, MnistSplit.Train, $"{name}/train", classes),
            IdxDataset.LoadMnistFolder(folder, MnistSplit.Test, $"{name}/test", classes),
            DataKind.Pixels);
    }

    /// <summary>
    /// Looks for <paramref name="relative"/> under the working directory, the program's directory,
    /// and each of their ancestors, so that both `dotnet run` from a clone and an installed copy find it.
    /// </summary>
    private static string? FindUpwards(string relative)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, relative);
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>Data that was asked for by name and does not exist here.</summary>
public sealed class DataNotFoundException(string message) : Exception(message);
