using EdgeIL.Learner.Implicit;

namespace EdgeIL.Learner.Tests.Implicit;

public class WeightChangeComparisonTests
{
    [Fact]
    public void Compare_StepWithItself_ReportsCosineOneAndSharesSummingToOne()
    {
        ImplicitStepResult step = SolveSample(alpha: 1);
        double[] change = ParameterChange.Of(step);

        WeightChangeComparison comparison = WeightChangeComparison.Compare(change, change, step.LayerSizes);

        Assert.Equal(1, comparison.Cosine, 1e-14);
        Assert.Equal(1, comparison.NormRatio, 1e-14);
        Assert.Equal(1, comparison.Layers.Sum(l => l.Share), 1e-14);
        Assert.Equal(1, comparison.Layers.Sum(l => l.ReferenceShare), 1e-14);
        Assert.All(comparison.Layers, l => Assert.Equal(1, l.Cosine, 1e-14));
    }

    [Fact]
    public void Compare_NegatedStep_ReportsCosineMinusOne()
    {
        ImplicitStepResult step = SolveSample(alpha: 1);
        double[] change = ParameterChange.Of(step);
        double[] negated = [.. change.Select(c => -c)];

        WeightChangeComparison comparison = WeightChangeComparison.Compare(negated, change, step.LayerSizes);

        Assert.Equal(-1, comparison.Cosine, 1e-14);
        Assert.Equal(1, comparison.NormRatio, 1e-14);
        Assert.All(comparison.Layers, l => Assert.Equal(-1, l.Cosine, 1e-14));
        Assert.All(comparison.Layers, l => Assert.Equal(l.ReferenceShare, l.Share, 1e-14));
    }

    [Fact]
    public void Compare_LearnerThatLandsOnTheImplicitStep_ReportsCosineOneToFloat32Precision()
    {
        (Mlp model, float[] input, float[] target) = ImplicitStepTests.Case([5, 6, 4, 3], OutputHead.Softmax, seed: 8);
        ImplicitStepResult step = ImplicitStep.Solve(model, input, target, 1);

        WeightChangeComparison comparison = WeightChangeComparison.Compare(model, step.ToMlp(), step);

        Assert.Equal(1, comparison.Cosine, 1e-5);
        Assert.Equal(1, comparison.NormRatio, 1e-4);
        Assert.Equal(1, comparison.Layers.Sum(l => l.Share), 1e-12);
    }

    [Fact]
    public void Compare_SharesOfAChangeInOneLayer_PutEverythingThere()
    {
        int[] sizes = [3, 4, 2];
        double[] change = new double[ParameterChange.Count(sizes)];
        double[] reference = new double[change.Length];
        Range second = ParameterChange.LayerRange(sizes, 1);
        change[second.Start.Value] = 3;
        reference[0] = 1;
        reference[second.Start.Value] = 1;

        WeightChangeComparison comparison = WeightChangeComparison.Compare(change, reference, sizes);

        Assert.Equal([0.0, 1.0], comparison.Layers.Select(l => l.Share));
        Assert.Equal([0.5, 0.5], comparison.Layers.Select(l => l.ReferenceShare));
        Assert.Equal(Math.Sqrt(0.5), comparison.Cosine, 1e-15);
        Assert.True(double.IsNaN(comparison.Layers[0].Cosine));
        Assert.Equal(0, comparison.Layers[0].NormRatio);
        Assert.Equal(3, comparison.Layers[1].NormRatio, 1e-15);
    }

    [Fact]
    public void Compare_NoChange_ReportsNaNCosine()
    {
        int[] sizes = [3, 4, 2];
        double[] zero = new double[ParameterChange.Count(sizes)];
        double[] reference = [.. zero.Select((_, i) => (double)i)];

        WeightChangeComparison comparison = WeightChangeComparison.Compare(zero, reference, sizes);

        Assert.True(double.IsNaN(comparison.Cosine));
        Assert.Equal(0, comparison.NormRatio);
        Assert.All(comparison.Layers, l => Assert.True(double.IsNaN(l.Share)));
    }

    [Fact]
    public void Compare_NetworkOtherThanTheStepsStart_Throws()
    {
        ImplicitStepResult step = SolveSample(alpha: 1);
        Mlp other = Mlp.CreateRandom([3, 4, 2], OutputHead.Softmax, seed: 99);

        ArgumentException error = Assert.Throws<ArgumentException>(() => WeightChangeComparison.Compare(other, other.Clone(), step));

        Assert.Equal("before", error.ParamName);
    }

    [Fact]
    public void Compare_NetworkOfAnotherShape_Throws()
    {
        ImplicitStepResult step = SolveSample(alpha: 1);
        Mlp other = Mlp.CreateRandom([3, 5, 2], OutputHead.Softmax, seed: 1);

        ArgumentException error = Assert.Throws<ArgumentException>(() => WeightChangeComparison.Compare(other, other.Clone(), step));

        Assert.Equal("before", error.ParamName);
    }

    [Fact]
    public void Compare_VectorsOfWrongLength_Throws()
    {
        int[] sizes = [3, 4, 2];
        double[] right = new double[ParameterChange.Count(sizes)];

        Assert.Equal("change", Assert.Throws<ArgumentException>(() => WeightChangeComparison.Compare(new double[3], right, sizes)).ParamName);
        Assert.Equal("referenceChange", Assert.Throws<ArgumentException>(() => WeightChangeComparison.Compare(right, new double[3], sizes)).ParamName);
    }

    [Fact]
    public void Compare_NonFiniteChange_Throws()
    {
        int[] sizes = [3, 4, 2];
        double[] change = new double[ParameterChange.Count(sizes)];
        change[5] = double.NaN;

        ArgumentException error = Assert.Throws<ArgumentException>(() => WeightChangeComparison.Compare(change, new double[change.Length], sizes));

        Assert.Equal("change", error.ParamName);
    }

    [Fact]
    public void ParameterChange_Flatten_OrdersLayerByLayerWeightsRowMajorThenBiases()
    {
        int[] sizes = [2, 3, 1];
        var model = new Mlp(sizes, OutputHead.Identity);
        model.SetWeights(0, [1, 2, 3, 4, 5, 6]);
        model.SetBiases(0, [7, 8, 9]);
        model.SetWeights(1, [10, 11, 12]);
        model.SetBiases(1, [13]);

        double[] flat = ParameterChange.Flatten(model);

        Assert.Equal(Enumerable.Range(1, 13).Select(i => (double)i), flat);
        Assert.Equal(0..9, ParameterChange.LayerRange(sizes, 0));
        Assert.Equal(9..13, ParameterChange.LayerRange(sizes, 1));
        Assert.Equal(13, ParameterChange.Count(sizes));
    }

    [Fact]
    public void ParameterChange_Between_IsAfterMinusBefore()
    {
        Mlp before = Mlp.CreateRandom([3, 4, 2], OutputHead.Sigmoid, seed: 5);
        Mlp after = Mlp.CreateRandom([3, 4, 2], OutputHead.Sigmoid, seed: 6);

        double[] change = ParameterChange.Between(before, after);

        double[] expected = [.. ParameterChange.Flatten(after).Select((v, i) => v - ParameterChange.Flatten(before)[i])];
        Assert.Equal(expected, change);
    }

    private static ImplicitStepResult SolveSample(double alpha)
    {
        (Mlp model, float[] input, float[] target) = ImplicitStepTests.Case([3, 4, 2], OutputHead.Softmax, seed: 2);
        return ImplicitStep.Solve(model, input, target, alpha);
    }
}
