using System.Globalization;
using System.Text;

namespace EdgeIL.Device.Streams;

/// <summary>
/// What each column of a CSV file becomes: the label, a feature, or a regression target, and where its
/// value goes in a stored row (features first, in file order, then targets, in the order named).
/// </summary>
internal sealed class CsvColumns
{
    /// <summary>The <see cref="Slot"/> of the label column, which is not stored in the row.</summary>
    public const int LabelSlot = -1;

    private const int ListedColumnLimit = 20;

    private CsvColumns(int[] slot, int labelIndex, string[] featureNames)
    {
        Slot = slot;
        LabelIndex = labelIndex;
        FeatureNames = featureNames;
    }

    /// <summary>Gets, per column, its position in a stored row, or <see cref="LabelSlot"/>.</summary>
    public int[] Slot { get; }

    /// <summary>Gets the label column's index, -1 when there is none.</summary>
    public int LabelIndex { get; }

    /// <summary>Gets the names of the feature columns in file order.</summary>
    public string[] FeatureNames { get; }

    /// <summary>Assigns the roles, refusing a named column that the header does not have.</summary>
    public static CsvColumns Assign(string path, string[] columns, string? labelColumn, IReadOnlyList<string> targetColumns)
    {
        int labelIndex = labelColumn is null ? -1 : Find(path, columns, labelColumn, "label column");
        int[] targetIndex = new int[targetColumns.Count];
        for (int t = 0; t < targetIndex.Length; t++)
        {
            targetIndex[t] = Find(path, columns, targetColumns[t], "target column");
        }

        int[] slot = new int[columns.Length];
        var featureNames = new List<string>();
        for (int column = 0; column < columns.Length; column++)
        {
            if (column == labelIndex)
            {
                slot[column] = LabelSlot;
            }
            else if (Array.IndexOf(targetIndex, column) < 0)
            {
                slot[column] = featureNames.Count;
                featureNames.Add(columns[column]);
            }
        }

        for (int t = 0; t < targetIndex.Length; t++)
        {
            slot[targetIndex[t]] = featureNames.Count + t;
        }

        return new CsvColumns(slot, labelIndex, [.. featureNames]);
    }

    private static int Find(string path, string[] columns, string name, string role)
    {
        int index = Array.IndexOf(columns, name);
        if (index >= 0)
        {
            return index;
        }

        var listed = new StringBuilder();
        for (int i = 0; i < Math.Min(columns.Length, ListedColumnLimit); i++)
        {
            listed.Append(i == 0 ? string.Empty : ", ").Append(CsvDataset.Quote(columns[i]));
        }

        if (columns.Length > ListedColumnLimit)
        {
            listed.Append(CultureInfo.InvariantCulture, $" and {columns.Length - ListedColumnLimit} more");
        }

        throw CsvDataset.Error(path, 1, null, $"there is no {role} {CsvDataset.Quote(name)}; the header's columns are {listed}");
    }
}
