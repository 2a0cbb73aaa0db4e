using Microsoft.Win32.SafeHandles;
using nietras.SeparatedValues;
using System.Globalization;
using System.Text;

namespace EdgeIL.Device.Streams;

/// <summary>Loads a sensor log or a tabular dataset from a CSV file into a <see cref="CsvTable"/>.</summary>
/// <remarks>
/// <para>
/// The format: UTF-8 text (a byte order mark is skipped), lines ending in LF or CRLF, cells separated by
/// commas. The first line is a header of column names, each trimmed of whitespace and optionally wrapped
/// in double quotes (inside which a comma is part of the name and <c>""</c> stands for one quote); names
/// must be non-empty and distinct (compared ordinally, so <c>Gyro</c> and <c>gyro</c> differ). Every
/// following line is a data row with exactly one cell per column; data cells are never quoted.
/// Blank lines may end the file but not come between data rows.
/// </para>
/// <para>
/// A feature cell is a number in the invariant culture (<c>-1.5</c>, <c>2e-3</c>), surrounding whitespace
/// allowed. It must be finite as a float: NaN, infinities and numbers beyond ±3.4028235E+38 are refused,
/// because a model fed one of them turns its weights to NaN with no way to recover on the device.
/// A label cell is a class id: a whole number below the class count given to <see cref="Read"/>, or
/// without one below <see cref="MaxUndeclaredClassCount"/>, so that one stray cell (65535) cannot
/// silently make a model with tens of thousands of outputs. It may be written with
/// a zero fraction or an exponent (<c>3.0</c>, <c>3e0</c>) because numpy and pandas write integer
/// columns that way; <c>2.5</c>, <c>-1</c> and text are refused.
/// </para>
/// <para>
/// The header is read here; the data rows are split by Sep (the CSV parser of that name). The file is
/// checked whole before anything is returned, so a defect never yields a partly loaded dataset, but it
/// is never held in memory: the parsed values go to a <see cref="ScratchFile"/> as float32 rows, which
/// the dataset reads back one row at a time (<see cref="FileRows"/>). Memory is the labels (an int per
/// row) and one row, whatever the file's size. Every defect is a <see cref="DataFormatException"/>
/// whose message names the file, the 1-based line and, where there is one, the column:
/// <c>log.csv: line 17, column "gyro_x": "abc" is not a number</c>.
/// </para>
/// </remarks>
public static class CsvDataset
{
    /// <summary>The most classes a label column can name; the largest class id accepted is one less.</summary>
    public const int MaxClassCount = 65536;

    /// <summary>The most classes a label column may name when the class count is not given.</summary>
    public const int MaxUndeclaredClassCount = 1000;

    private const int FileBufferBytes = 1 << 16;

    // Column names and bad cells are quoted in messages; a megabyte of junk on one line should not be.
    private const int QuotedTextLimit = 40;

    // With the preamble set, StreamReader skips a UTF-8 byte order mark without also sniffing for UTF-16
    // ones. Bytes that are not UTF-8 become U+FFFD, which a number never parses from and a header name is
    // checked for, so they are reported at their exact line and column.
    private static readonly UTF8Encoding s_utf8WithPreamble = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>Reads a CSV file into a dataset.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="labelColumn">
    /// The header name of the column holding the class ids; null to read every column as a feature and
    /// return an unlabelled dataset (then even a column called "label" is a feature).
    /// </param>
    /// <param name="name">A name for reports; null for the file name without its extension.</param>
    /// <param name="classCount">
    /// The number of classes the labels come from, 1..<see cref="MaxClassCount"/>: a label at or above it
    /// is refused. Null to take the largest label + 1, refusing labels of <see cref="MaxUndeclaredClassCount"/> or more.
    /// </param>
    /// <param name="targetColumns">
    /// For regression: the columns that are real-valued targets rather than inputs, kept as the
    /// dataset's targets in the order named. Null or empty for none; then <paramref name="labelColumn"/>
    /// must be null or name a class column.
    /// </param>
    /// <returns>
    /// The table: the samples, one per data row, with the label and target columns left out of the
    /// features; <see cref="LabeledDataset.ClassCount"/> is <paramref name="classCount"/>, or the largest label + 1.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="labelColumn"/> is empty or whitespace, or given together with target columns.</exception>
    /// <exception cref="DataFormatException">
    /// The file is empty, has no data rows, or breaks a rule of the format; or a named column is missing.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read, or the scratch file cannot be written.</exception>
    public static CsvTable Read(string path, string? labelColumn = "label", string? name = null, int? classCount = null, IReadOnlyList<string>? targetColumns = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        targetColumns ??= [];
        if (labelColumn is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(labelColumn);
            if (targetColumns.Count > 0)
            {
                throw new ArgumentException("A CSV file is read with a label column or with target columns, not both.", nameof(targetColumns));
            }
        }

        if (classCount is { } declared)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(declared, 1, nameof(classCount));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(declared, MaxClassCount, nameof(classCount));
        }

        using var stream = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.Read, FileBufferBytes, FileOptions.SequentialScan);
        using var reader = new StreamReader(
            stream, s_utf8WithPreamble, detectEncodingFromByteOrderMarks: false, FileBufferBytes);

        string? headerLine = reader.ReadLine();
        if (headerLine is null)
        {
            throw Error(path, 1, null, "the file is empty; expected a header row of column names");
        }

        if (string.IsNullOrWhiteSpace(headerLine))
        {
            throw Error(path, 1, null, "the header row is blank; expected column names");
        }

        string[] columns = ParseHeader(path, headerLine);
        CsvColumns roles = CsvColumns.Assign(path, columns, labelColumn, targetColumns);
        if (roles.FeatureNames.Length == 0)
        {
            throw labelColumn is not null
                ? Error(path, 1, null, $"there are no feature columns; the only column is the label column {Quote(labelColumn)}")
                : new DataFormatException(path, "every column is a target; a model needs at least one input column", byteOffset: null);
        }

        int featureCount = roles.FeatureNames.Length;
        int rowWidth = featureCount + targetColumns.Count;
        SafeFileHandle scratch = ScratchFile.Create($"the values of {path}");
        try
        {
            var labels = roles.LabelIndex < 0 ? null : new List<int>();
            int largestLabel = -1;
            int rowCount = 0;
            var rows = new ScratchRowWriter(scratch, rowWidth);
            // The header line is already read: Sep sees the rest, so its line 1 is the file's line 2. With
            // quotes not parsed a row is one line, so its number is where the next begins, less one;
            // LineNumberToExcl is used because Sep 0.17.1 gives the first row a LineNumberFrom of 2.
            using SepReader sep = Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true, DisableQuotesParsing = true }).From(reader);
            long pendingBlankLine = 0;
            foreach (SepReader.Row row in sep)
            {
                long lineNumber = row.LineNumberToExcl;
                if (row.ColCount == 1 && row.Span.IsWhiteSpace())
                {
                    if (pendingBlankLine == 0)
                    {
                        pendingBlankLine = lineNumber;
                    }

                    continue;
                }

                if (pendingBlankLine != 0)
                {
                    throw Error(
                        path,
                        pendingBlankLine,
                        null,
                        $"the line is blank, but line {lineNumber} after it holds data; blank lines may only end the file");
                }

                if (rowCount == Array.MaxLength)
                {
                    throw Error(path, lineNumber, null, $"the file holds more than {Array.MaxLength} rows, more than a dataset can index");
                }

                CheckCellCount(path, lineNumber, row.ColCount, columns);
                Span<float> values = rows.NextRow();
                for (int column = 0; column < columns.Length; column++)
                {
                    ReadOnlySpan<char> cell = row[column].Span;
                    int slot = roles.Slot[column];
                    if (slot == CsvColumns.LabelSlot)
                    {
                        int label = ParseLabel(path, lineNumber, columns[column], cell, classCount);
                        labels!.Add(label);
                        largestLabel = Math.Max(largestLabel, label);
                    }
                    else
                    {
                        values[slot] = ParseFeature(path, lineNumber, columns[column], cell);
                    }
                }

                rowCount++;
            }

            rows.Complete();

            if (rowCount == 0)
            {
                throw Error(path, 2, null, "the file has a header but no data rows");
            }

            string datasetName = name ?? Path.GetFileNameWithoutExtension(path);
            FeatureRows features = FileRows.Open(path, scratch, RecordingElement.Float32, featureCount, 0, rowWidth * sizeof(float), 0, rowCount);
            LabeledDataset dataset = targetColumns.Count > 0
                ? new LabeledDataset(
                    datasetName,
                    features,
                    FileRows.Open(path, scratch, RecordingElement.Float32, targetColumns.Count, 0, rowWidth * sizeof(float), featureCount * sizeof(float), rowCount))
                : new LabeledDataset(datasetName, features, labels?.ToArray(), labels is null ? 0 : classCount ?? largestLabel + 1);
            return new CsvTable(dataset, roles.FeatureNames, labels is null ? null : labelColumn);
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    private static string[] ParseHeader(string path, string line)
    {
        var names = new List<string>();
        var firstColumnOfName = new Dictionary<string, int>(StringComparer.Ordinal);
        int position = 0;
        while (true)
        {
            int columnNumber = names.Count + 1;
            int comma;
            string name;
            int start = position;
            while (start < line.Length && char.IsWhiteSpace(line[start]))
            {
                start++;
            }

            if (start < line.Length && line[start] == '"')
            {
                var builder = new StringBuilder();
                int index = start + 1;
                while (true)
                {
                    if (index >= line.Length)
                    {
                        throw Error(path, 1, $"column {columnNumber}", "the opening double quote is never closed");
                    }

                    if (line[index] == '"')
                    {
                        if (index + 1 < line.Length && line[index + 1] == '"')
                        {
                            builder.Append('"');
                            index += 2;
                            continue;
                        }

                        index++;
                        break;
                    }

                    builder.Append(line[index]);
                    index++;
                }

                comma = line.IndexOf(',', index);
                ReadOnlySpan<char> after = line.AsSpan(index, (comma < 0 ? line.Length : comma) - index);
                if (!after.IsWhiteSpace())
                {
                    throw Error(path, 1, $"column {columnNumber}", $"{Quote(after)} follows the closing double quote");
                }

                name = builder.ToString().Trim();
            }
            else
            {
                comma = line.IndexOf(',', position);
                ReadOnlySpan<char> cell = line.AsSpan(position, (comma < 0 ? line.Length : comma) - position).Trim();
                if (cell.Contains('"'))
                {
                    throw Error(path, 1, $"column {columnNumber}", $"{Quote(cell)} holds a double quote; quotes may only wrap a whole name");
                }

                name = cell.ToString();
            }

            if (name.Length == 0)
            {
                throw Error(path, 1, $"column {columnNumber}", "the column name is empty");
            }

            if (name.Contains('\uFFFD', StringComparison.Ordinal))
            {
                throw Error(path, 1, $"column {columnNumber}", $"the column name {Quote(name)} is not valid UTF-8 text");
            }

            if (!firstColumnOfName.TryAdd(name, columnNumber))
            {
                throw Error(
                    path,
                    1,
                    $"column {columnNumber} {Quote(name)}",
                    $"the name is already that of column {firstColumnOfName[name]}; column names must be distinct");
            }

            names.Add(name);
            if (comma < 0)
            {
                return [.. names];
            }

            position = comma + 1;
        }
    }

    private static void CheckCellCount(string path, long lineNumber, int cellCount, string[] columns)
    {
        // Counted before any cell is parsed: in a row with a cell too many or too few the cells are
        // likely shifted, and "not a number" in the wrong column would point the reader astray.
        if (cellCount < columns.Length)
        {
            throw Error(
                path,
                lineNumber,
                $"column {Quote(columns[cellCount])}",
                $"missing: the row has {cellCount} cells, but the header names {columns.Length} columns");
        }

        if (cellCount > columns.Length)
        {
            throw Error(
                path,
                lineNumber,
                $"column {columns.Length + 1}",
                $"the row has {cellCount} cells, but the header names {columns.Length} columns, the last {Quote(columns[^1])}");
        }
    }

    private static float ParseFeature(string path, long lineNumber, string column, ReadOnlySpan<char> cell)
    {
        if (float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value))
        {
            return value;
        }

        string detail;
        if (cell.IsWhiteSpace())
        {
            detail = "the cell is empty; expected a number";
        }
        else if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double wide))
        {
            detail = $"{Quote(cell)} is not a number";
        }
        else if (double.IsNaN(wide))
        {
            detail = $"{Quote(cell)} is not a number a model can take: values must be finite";
        }
        else if (cell.IndexOfAnyInRange('0', '9') >= 0)
        {
            // Digits that parse to infinity, or past float's range, are an overflow rather than a literal infinity.
            detail = $"{Quote(cell)} is beyond the float range ±{float.MaxValue.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            detail = $"{Quote(cell)} is infinite: values must be finite";
        }

        throw Error(path, lineNumber, $"column {Quote(column)}", detail);
    }

    private static int ParseLabel(string path, long lineNumber, string column, ReadOnlySpan<char> cell, int? classCount)
    {
        string? detail = null;
        if (cell.IsWhiteSpace())
        {
            detail = "the cell is empty; expected a class id";
        }
        else if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            detail = $"{Quote(cell)} is not a class id; class ids are whole numbers 0..{MaxClassCount - 1}";
        }
        else if (value < 0)
        {
            detail = $"{Quote(cell)} is negative; class ids are 0 or more";
        }
        else if (value != Math.Floor(value))
        {
            detail = $"{Quote(cell)} is not a whole number; class ids are whole numbers";
        }
        else if (classCount is { } declared && value >= declared)
        {
            detail = $"class id {Quote(cell)} is outside 0..{declared - 1} for the {declared} classes given";
        }
        else if (classCount is null && value >= MaxUndeclaredClassCount)
        {
            detail = $"class id {Quote(cell)} is above {MaxUndeclaredClassCount - 1}; a label column names at most {MaxUndeclaredClassCount} classes unless the class count is given";
        }
        else
        {
            return (int)value;
        }

        throw Error(path, lineNumber, $"column {Quote(column)}", detail);
    }

    internal static string Quote(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> trimmed = text.Trim();
        return trimmed.Length <= QuotedTextLimit
            ? $"\"{trimmed}\""
            : $"\"{trimmed[..QuotedTextLimit]}...\" ({trimmed.Length} characters)";
    }

    internal static DataFormatException Error(string path, long lineNumber, string? column, string detail) =>
        new(path, column is null ? $"line {lineNumber}: {detail}" : $"line {lineNumber}, {column}: {detail}", byteOffset: null);
}
