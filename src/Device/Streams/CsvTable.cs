using System.Collections.ObjectModel;

namespace EdgeIL.Device.Streams;

/// <summary>
/// A dataset read from a CSV file by <see cref="CsvDataset.Read"/>, with the header names that say what
/// each feature is.
/// </summary>
public sealed class CsvTable
{
    internal CsvTable(LabeledDataset dataset, string[] featureNames, string? labelColumn)
    {
        Dataset = dataset;
        FeatureNames = new ReadOnlyCollection<string>(featureNames);
        LabelColumn = labelColumn;
    }

    /// <summary>
    /// Gets the samples: one per data row, features row-major in the order of <see cref="FeatureNames"/>,
    /// labelled when <see cref="LabelColumn"/> is not null.
    /// </summary>
    public LabeledDataset Dataset { get; }

    /// <summary>
    /// Gets the header names of the feature columns in file order (the label column left out), one per
    /// <see cref="LabeledDataset.FeatureCount"/>.
    /// </summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Gets the name of the column the labels came from; null when the file was read unlabelled.</summary>
    public string? LabelColumn { get; }
}
