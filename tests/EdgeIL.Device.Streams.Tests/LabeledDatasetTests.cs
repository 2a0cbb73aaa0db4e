namespace EdgeIL.Device.Streams.Tests;

public sealed class LabeledDatasetTests
{
    [Fact]
    public void GetFeatures_Index_ReturnsThatRow()
    {
        var dataset = new LabeledDataset("d", 2, [1, 2, 3, 4, 5, 6], [0, 2, 1], classCount: 3);

        Assert.Equal(3, dataset.Count);
        Assert.Equal([3f, 4f], dataset.CopyFeatures(1));
        Assert.Equal(2, dataset.GetLabel(1));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void GetFeatures_IndexOutOfRange_Throws(int index)
    {
        var dataset = new LabeledDataset("d", 2, [1, 2, 3, 4, 5, 6], [0, 2, 1], classCount: 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.CopyFeatures(index));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.GetLabel(index));
    }

    [Fact]
    public void Constructor_FeaturesNotWholeRows_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LabeledDataset("d", 2, [1, 2, 3], null, 0));
    }

    [Fact]
    public void Constructor_LabelCountDiffers_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LabeledDataset("d", 1, [1, 2, 3], [0, 1], 2));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void Constructor_LabelOutsideClassCount_Throws(int label)
    {
        Assert.Throws<ArgumentException>(() => new LabeledDataset("d", 1, [1, 2], [0, label], 2));
    }

    [Fact]
    public void Constructor_UnlabelledWithClasses_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LabeledDataset("d", 1, [1, 2], null, 2));
    }

    [Fact]
    public void GetLabel_Unlabelled_ReturnsMinusOne()
    {
        var dataset = new LabeledDataset("d", 1, [1, 2], null, 0);

        Assert.False(dataset.HasLabels);
        Assert.Equal(-1, dataset.GetLabel(0));
        Assert.True(dataset.Labels.IsEmpty);
    }
}
