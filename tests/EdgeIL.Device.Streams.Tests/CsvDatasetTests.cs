using System.Globalization;
using System.Text;
using EdgeIL.Device.Tests;

namespace EdgeIL.Device.Streams.Tests;

public sealed class CsvDatasetTests : IDisposable
{
    private static readonly UTF8Encoding s_utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Read_LabelColumnInMiddle_ReturnsFeaturesRowMajorAndLabels()
    {
        string path = Write("log.csv", "ax,label,ay\n1.5,2,-3\n-0.25,0,4e2\n1E-3,1,-2.5e-1\n");

        CsvTable table = CsvDataset.Read(path);

        LabeledDataset dataset = table.Dataset;
        Assert.Equal(3, dataset.Count);
        Assert.Equal(2, dataset.FeatureCount);
        Assert.Equal([1.5f, -3f, -0.25f, 400f, 0.001f, -0.25f], dataset.CopyAllFeatures());
        Assert.Equal([2, 0, 1], dataset.Labels.ToArray());
        Assert.Equal(3, dataset.ClassCount);
        Assert.Equal(["ax", "ay"], table.FeatureNames);
        Assert.Equal("label", table.LabelColumn);
    }

    [Fact]
    public void Read_QuotedAndPaddedHeader_TrimsAndUnquotesNames()
    {
        string path = Write("log.csv", " \"gyro, x\" ,  accel \t,\"say \"\"hi\"\"\",\"label\"\n1,2,3,0\n");

        CsvTable table = CsvDataset.Read(path);

        Assert.Equal(["gyro, x", "accel", "say \"hi\""], table.FeatureNames);
        Assert.Equal([1f, 2f, 3f], table.Dataset.CopyAllFeatures());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Read_CrLfAndByteOrderMark_ReadLikePlainLf(bool crlf, bool byteOrderMark)
    {
        string text = "a,label\n1,0\n2,1\n".Replace("\n", crlf ? "\r\n" : "\n", StringComparison.Ordinal);
        byte[] bytes = [.. byteOrderMark ? Encoding.UTF8.GetPreamble() : [], .. s_utf8NoBom.GetBytes(text)];
        string path = _folder.File("log.csv");
        File.WriteAllBytes(path, bytes);

        CsvTable table = CsvDataset.Read(path);

        Assert.Equal(["a"], table.FeatureNames);
        Assert.Equal([1f, 2f], table.Dataset.CopyAllFeatures());
        Assert.Equal([0, 1], table.Dataset.Labels.ToArray());
    }

    [Theory]
    [InlineData("a,label\n1,0\n2,1")]
    [InlineData("a,label\n1,0\n2,1\n\n")]
    [InlineData("a,label\r\n1,0\r\n2,1\r\n\r\n  \r\n\t\r\n")]
    public void Read_TrailingBlankLinesOrNoFinalNewline_Ignored(string text)
    {
        string path = Write("log.csv", text);

        CsvTable table = CsvDataset.Read(path);

        Assert.Equal(2, table.Dataset.Count);
        Assert.Equal([1f, 2f], table.Dataset.CopyAllFeatures());
    }

    [Fact]
    public void Read_SpacesAroundCells_Ignored()
    {
        string path = Write("log.csv", "a,b,label\n 1 ,\t-2\t, 3 \n");

        CsvTable table = CsvDataset.Read(path);

        Assert.Equal([1f, -2f], table.Dataset.CopyAllFeatures());
        Assert.Equal([3], table.Dataset.Labels.ToArray());
    }

    [Fact]
    public void Read_FloatLimits_Accepted()
    {
        string path = Write("log.csv", "a,b,c\n3.4028235e38,-3.4028235E+38,1e-50\n");

        CsvTable table = CsvDataset.Read(path, labelColumn: null);

        Assert.Equal([float.MaxValue, float.MinValue, 0f], table.Dataset.CopyAllFeatures());
    }

    [Fact]
    public void Read_LabelColumnNull_EveryColumnIsAFeature()
    {
        string path = Write("log.csv", "a,label\n1,2\n3,4\n");

        CsvTable table = CsvDataset.Read(path, labelColumn: null);

        Assert.False(table.Dataset.HasLabels);
        Assert.Equal(0, table.Dataset.ClassCount);
        Assert.Equal(2, table.Dataset.FeatureCount);
        Assert.Equal([1f, 2f, 3f, 4f], table.Dataset.CopyAllFeatures());
        Assert.Equal(["a", "label"], table.FeatureNames);
        Assert.Null(table.LabelColumn);
    }

    [Fact]
    public void Read_OtherLabelColumnName_UsesThatColumn()
    {
        string path = Write("log.csv", "activity,a\n4,1\n");

        CsvTable table = CsvDataset.Read(path, labelColumn: "activity");

        Assert.Equal([4], table.Dataset.Labels.ToArray());
        Assert.Equal(5, table.Dataset.ClassCount);
        Assert.Equal("activity", table.LabelColumn);
    }

    [Theory]
    [InlineData("3.0")]
    [InlineData("3.000000000000000000e+00")]
    [InlineData("+3")]
    [InlineData(" 3 ")]
    public void Read_WholeNumberLabelWrittenAsFloat_Accepted(string label)
    {
        string path = Write("log.csv", $"a,label\n1,{label}\n");

        CsvTable table = CsvDataset.Read(path);

        Assert.Equal([3], table.Dataset.Labels.ToArray());
        Assert.Equal(4, table.Dataset.ClassCount);
    }

    [Fact]
    public void Read_LargestClassIdWithTheCountGiven_Accepted()
    {
        string path = Write("log.csv", $"a,label\n1,{CsvDataset.MaxClassCount - 1}\n");

        CsvTable table = CsvDataset.Read(path, classCount: CsvDataset.MaxClassCount);

        Assert.Equal(CsvDataset.MaxClassCount, table.Dataset.ClassCount);
    }

    [Fact]
    public void Read_LargestUndeclaredClassId_Accepted()
    {
        string path = Write("log.csv", $"a,label\n1,{CsvDataset.MaxUndeclaredClassCount - 1}\n");

        Assert.Equal(CsvDataset.MaxUndeclaredClassCount, CsvDataset.Read(path).Dataset.ClassCount);
    }

    [Fact]
    public void Read_OneStrayLabelCellWithoutClassCount_IsRefusedRatherThanMaking65536Outputs()
    {
        string path = Write("log.csv", "a,label\n1,0\n2,1\n3,65535\n4,2\n");

        DataFormatException exception = AssertRefused(path, line: 4, column: "\"label\"", () => CsvDataset.Read(path));

        Assert.Contains("above 999; a label column names at most 1000 classes unless the class count is given", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LabelAtTheGivenClassCount_IsRefusedNamingTheRow()
    {
        string path = Write("log.csv", "a,label\n1,0\n2,2\n3,3\n");

        DataFormatException exception = AssertRefused(path, line: 4, column: "\"label\"", () => CsvDataset.Read(path, classCount: 3));

        Assert.Contains("outside 0..2 for the 3 classes given", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ClassCountGiven_IsTheDatasetsEvenAboveTheLargestLabel()
    {
        string path = Write("log.csv", "a,label\n1,0\n2,1\n");

        Assert.Equal(10, CsvDataset.Read(path, classCount: 10).Dataset.ClassCount);
        Assert.Equal(0, CsvDataset.Read(path, labelColumn: null, classCount: 10).Dataset.ClassCount);
    }

    [Fact]
    public void Read_NameNull_NamesDatasetAfterFile()
    {
        string path = Write("walk-01.csv", "a\n1\n");

        Assert.Equal("walk-01", CsvDataset.Read(path, labelColumn: null).Dataset.Name);
        Assert.Equal("walk/train", CsvDataset.Read(path, labelColumn: null, name: "walk/train").Dataset.Name);
    }

    [Fact]
    public void Read_ManyRows_KeepsEveryValueInOrderWithoutHoldingThem()
    {
        // Enough rows to fill several of the scratch writer's buffers, ending part-way through one, and
        // wide enough that holding the features (6.4 MB as floats) would show beside the labels.
        const int Rows = 100_003;
        const string Filler = ",0,0,0,0,0,0,0,0,0,0,0,0,0,0";
        var text = new StringBuilder("x,y,label,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13,f14\n");
        for (int i = 0; i < Rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{-0.5f * i},{i % 7}{Filler}\n");
        }

        string path = Write("log.csv", text.ToString());

        long before = GC.GetAllocatedBytesForCurrentThread();
        LabeledDataset dataset = CsvDataset.Read(path).Dataset;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < (long)Rows * 16 * sizeof(float) / 2, $"Reading allocated {allocated} bytes.");
        Assert.Equal(Rows, dataset.Count);
        Assert.Equal(7, dataset.ClassCount);
        for (int i = 0; i < Rows; i++)
        {
            Assert.Equal((float)i, dataset.CopyFeatures(i)[0]);
            Assert.Equal(-0.5f * i, dataset.CopyFeatures(i)[1]);
            Assert.Equal(i % 7, dataset.GetLabel(i));
        }
    }

    [Theory]
    [InlineData("abc", "\"abc\" is not a number")]
    [InlineData("1,5", null)]
    [InlineData("0x10", "\"0x10\" is not a number")]
    [InlineData("1 000", "\"1 000\" is not a number")]
    [InlineData("", "empty")]
    [InlineData("  ", "empty")]
    [InlineData("\"1\"", "is not a number")]
    [InlineData("∞", "\"∞\" is not a number")]
    public void Read_NonNumericCell_RefusedAtLineAndColumn(string cell, string? detail)
    {
        string path = Write("log.csv", $"label,gyro_x,gyro_y\n0,1,2\n1,{cell},3\n");

        if (detail is null)
        {
            // A decimal comma splits the cell in two: reported as a ragged row, not a number.
            AssertRefused(path, line: 3, column: "4", () => CsvDataset.Read(path));
            return;
        }

        DataFormatException exception = AssertRefused(path, line: 3, column: "\"gyro_x\"", () => CsvDataset.Read(path));
        Assert.Contains(detail, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("-NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Read_NonFiniteCell_Refused(string cell)
    {
        string path = Write("log.csv", $"gyro_x,gyro_y\n1,2\n3,{cell}\n");

        DataFormatException exception = AssertRefused(path, line: 3, column: "\"gyro_y\"", () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains("finite", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3.5e38")]
    [InlineData("-1e39")]
    [InlineData("1e400")]
    public void Read_ValueBeyondFloatRange_Refused(string cell)
    {
        string path = Write("log.csv", $"gyro_x,gyro_y\n{cell},2\n");

        DataFormatException exception = AssertRefused(path, line: 2, column: "\"gyro_x\"", () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains("beyond the float range", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingLabelColumn_RefusedListingColumns()
    {
        string path = Write("log.csv", "gyro_x,gyro_y,Label\n1,2,0\n");

        DataFormatException exception = AssertRefused(path, line: 1, column: null, () => CsvDataset.Read(path));

        Assert.Contains("no label column \"label\"", exception.Message, StringComparison.Ordinal);
        Assert.Contains("\"gyro_x\", \"gyro_y\", \"Label\"", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OnlyTheLabelColumn_RefusedForWantOfFeatures()
    {
        string path = Write("log.csv", "label\n1\n");

        DataFormatException exception = AssertRefused(path, line: 1, column: null, () => CsvDataset.Read(path));

        Assert.Contains("no feature columns", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1", "negative")]
    [InlineData("2.5", "not a whole number")]
    [InlineData("walk", "not a class id")]
    [InlineData("NaN", "not a class id")]
    [InlineData("Infinity", "not a class id")]
    [InlineData("", "empty")]
    [InlineData("1000", "above 999")]
    [InlineData("1e9", "above 999")]
    public void Read_BadLabel_RefusedAtLineAndColumn(string label, string detail)
    {
        string path = Write("log.csv", $"a,activity\n1,0\n2,1\n3,{label}\n");

        DataFormatException exception = AssertRefused(path, line: 4, column: "\"activity\"", () => CsvDataset.Read(path, "activity"));

        Assert.Contains(detail, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithTooFewCells_RefusedNamingFirstMissingColumn()
    {
        string path = Write("log.csv", "a,b,c\n1,2,3\n4,5\n");

        DataFormatException exception = AssertRefused(path, line: 3, column: "\"c\"", () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains("2 cells", exception.Message, StringComparison.Ordinal);
        Assert.Contains("3 columns", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithTooManyCells_RefusedAtFirstExtraCell()
    {
        string path = Write("log.csv", "a,b,c\n1,2,3,4\n");

        DataFormatException exception = AssertRefused(path, line: 2, column: "4", () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains("4 cells", exception.Message, StringComparison.Ordinal);
        Assert.Contains("the last \"c\"", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b,a", "3 \"a\"", "column 1")]
    [InlineData("a,\"b\", b ", "3 \"b\"", "column 2")]
    public void Read_DuplicateColumnName_Refused(string header, string column, string detail)
    {
        string path = Write("log.csv", $"{header}\n1,2,3\n");

        DataFormatException exception = AssertRefused(path, line: 1, column, () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains(detail, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,,c", "2")]
    [InlineData("a,b,", "3")]
    [InlineData("a,\"  \",c", "2")]
    public void Read_EmptyColumnName_Refused(string header, string column)
    {
        string path = Write("log.csv", $"{header}\n1,2,3\n");

        DataFormatException exception = AssertRefused(path, line: 1, column, () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains("name is empty", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,\"b,c", "2", "never closed")]
    [InlineData("a,\"b\"x,c", "2", "follows the closing double quote")]
    [InlineData("a,b\"x,c", "2", "quotes may only wrap a whole name")]
    public void Read_MalformedQuotedName_Refused(string header, string column, string detail)
    {
        string path = Write("log.csv", $"{header}\n1,2,3\n");

        DataFormatException exception = AssertRefused(path, line: 1, column, () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains(detail, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ColumnNameNotUtf8_Refused()
    {
        string path = _folder.File("log.csv");
        File.WriteAllBytes(path, [(byte)'a', (byte)',', 0xFF, (byte)'b', (byte)'\n', (byte)'1', (byte)',', (byte)'2', (byte)'\n']);

        DataFormatException exception = AssertRefused(path, line: 1, column: "2", () => CsvDataset.Read(path, labelColumn: null));

        Assert.Contains("not valid UTF-8", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_EmptyFile_Refused(bool byteOrderMark)
    {
        string path = _folder.File("log.csv");
        File.WriteAllBytes(path, byteOrderMark ? Encoding.UTF8.Preamble.ToArray() : []);

        DataFormatException exception = AssertRefused(path, line: 1, column: null, () => CsvDataset.Read(path));

        Assert.Contains("empty", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("  \r\na,label\n1,0\n")]
    public void Read_BlankHeader_Refused(string text)
    {
        string path = Write("log.csv", text);

        DataFormatException exception = AssertRefused(path, line: 1, column: null, () => CsvDataset.Read(path));

        Assert.Contains("header row is blank", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,label")]
    [InlineData("a,label\n")]
    [InlineData("a,label\r\n\r\n\r\n")]
    public void Read_HeaderOnly_RefusedAtLineTwo(string text)
    {
        string path = Write("log.csv", text);

        DataFormatException exception = AssertRefused(path, line: 2, column: null, () => CsvDataset.Read(path));

        Assert.Contains("no data rows", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,label\n1,0\n\n2,1\n", 3, 4)]
    [InlineData("a,label\r\n1,0\r\n \r\n\r\n2,1\r\n", 3, 5)]
    [InlineData("a,label\n\n1,0\n", 2, 3)]
    public void Read_BlankLineBetweenRows_RefusedAtTheBlankLine(string text, int blankLine, int dataLine)
    {
        string path = Write("log.csv", text);

        DataFormatException exception = AssertRefused(path, blankLine, column: null, () => CsvDataset.Read(path));

        Assert.Contains($"line {dataLine} after it holds data", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ByteOrderMarkAndCrLf_LineNumbersStillCountFromOne()
    {
        string path = _folder.File("log.csv");
        File.WriteAllBytes(path, [.. Encoding.UTF8.Preamble, .. s_utf8NoBom.GetBytes("a,label\r\n1,0\r\nx,1\r\n")]);

        AssertRefused(path, line: 3, column: "\"a\"", () => CsvDataset.Read(path));
    }

    [Fact]
    public void Read_LongBadCell_QuotedShortened()
    {
        string junk = new('z', 5000);
        string path = Write("log.csv", $"a\n{junk}\n");

        DataFormatException exception = AssertRefused(path, line: 2, column: "\"a\"", () => CsvDataset.Read(path, labelColumn: null));

        Assert.True(exception.Message.Length < 300, exception.Message);
        Assert.Contains("5000 characters", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Read_BlankLabelColumnName_ThrowsArgumentException(string labelColumn)
    {
        string path = Write("log.csv", "a\n1\n");

        Assert.ThrowsAny<ArgumentException>(() => CsvDataset.Read(path, labelColumn));
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => CsvDataset.Read(_folder.File("absent.csv")));
    }

    private string Write(string fileName, string text)
    {
        string path = _folder.File(fileName);
        File.WriteAllText(path, text, s_utf8NoBom);
        return path;
    }

    /// <summary>
    /// Checks that reading fails with a message that starts "<c>path</c>: line <c>n</c>, column <c>c</c>:",
    /// or "<c>path</c>: line <c>n</c>:" for a defect that is in no one column.
    /// </summary>
    private static DataFormatException AssertRefused(string path, int line, string? column, Action read)
    {
        DataFormatException exception = Assert.Throws<DataFormatException>(read);
        Assert.Equal(path, exception.FilePath);
        string location = column is null ? $"{path}: line {line}: " : $"{path}: line {line}, column {column}: ";
        Assert.StartsWith(location, exception.Message, StringComparison.Ordinal);
        return exception;
    }
}
