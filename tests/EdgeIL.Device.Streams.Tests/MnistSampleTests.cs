using System.Security.Cryptography;
using System.Text.RegularExpressions;
using EdgeIL.Device.Tests;

namespace EdgeIL.Device.Streams.Tests;

public sealed partial class MnistSampleTests
{
    private static readonly string s_sampleFolder = Path.Combine(RepositoryRoot.Find(), "samples", "mnist");

    [Theory]
    [InlineData(MnistSplit.Train, 5000)]
    [InlineData(MnistSplit.Test, 1000)]
    public void LoadMnistFolder_CommittedSample_HasExpectedShape(MnistSplit split, int expectedCount)
    {
        LabeledDataset dataset = IdxDataset.LoadMnistFolder(s_sampleFolder, split);

        Assert.Equal(expectedCount, dataset.Count);
        Assert.Equal(28 * 28, dataset.FeatureCount);
        Assert.Equal(10, dataset.ClassCount);
    }

    [Theory]
    [InlineData(MnistSplit.Train)]
    [InlineData(MnistSplit.Test)]
    public void LoadMnistFolder_CommittedSample_HasAllTenClasses(MnistSplit split)
    {
        LabeledDataset dataset = IdxDataset.LoadMnistFolder(s_sampleFolder, split);

        int[] perClass = new int[10];
        foreach (int label in dataset.Labels)
        {
            perClass[label]++;
        }

        Assert.All(perClass, count => Assert.True(count > 0));
    }

    [Fact]
    public void LoadMnistFolder_CommittedSample_MatchesKnownFirstRecords()
    {
        LabeledDataset train = IdxDataset.LoadMnistFolder(s_sampleFolder, MnistSplit.Train);
        LabeledDataset test = IdxDataset.LoadMnistFolder(s_sampleFolder, MnistSplit.Test);

        // The first labels of the original MNIST files, so a sample taken from elsewhere in them fails.
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3], train.Labels[..8].ToArray());
        Assert.Equal([7, 2, 1, 0, 4, 1, 4, 9], test.Labels[..8].ToArray());
    }

    [Fact]
    public void LoadMnistFolder_CommittedSample_PixelsAreUnscaledBytes()
    {
        LabeledDataset dataset = IdxDataset.LoadMnistFolder(s_sampleFolder, MnistSplit.Test);

        float min = float.MaxValue;
        float max = float.MinValue;
        foreach (float value in dataset.CopyAllFeatures())
        {
            Assert.Equal(MathF.Round(value), value);
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        Assert.Equal(0f, min);
        Assert.Equal(255f, max);
    }

    [Fact]
    public void Readme_ListedSha256_MatchesCommittedFiles()
    {
        string readme = File.ReadAllText(Path.Combine(s_sampleFolder, "README.md"));
        Dictionary<string, string> listed = ShaLine().Matches(readme).ToDictionary(m => m.Groups["file"].Value, m => m.Groups["sha"].Value);
        string[] files = Directory.GetFiles(s_sampleFolder, "*.gz").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(4, files.Length);
        Assert.Equal(files, listed.Keys.Order(StringComparer.Ordinal));
        foreach (string file in files)
        {
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(s_sampleFolder, file))));
            Assert.Equal(listed[file], actual);
        }
    }

    [GeneratedRegex(@"^(?<sha>[0-9a-f]{64})  (?<file>\S+\.gz)$", RegexOptions.Multiline)]
    private static partial Regex ShaLine();
}
