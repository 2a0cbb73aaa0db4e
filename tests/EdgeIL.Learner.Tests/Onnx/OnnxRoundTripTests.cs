using EdgeIL.Learner.Onnx;

namespace EdgeIL.Learner.Tests.Onnx;

public class OnnxRoundTripTests
{
    public static TheoryData<int[], OutputHead, InputKind> Shapes()
    {
        var data = new TheoryData<int[], OutputHead, InputKind>();
        int[][] shapes = [[1, 1], [3, 1], [4, 7, 2], [8, 31, 3], [31, 8, 4, 10], [7, 256, 3, 1, 5]];
        for (int i = 0; i < shapes.Length; i++)
        {
            foreach (OutputHead head in Enum.GetValues<OutputHead>())
            {
                data.Add(shapes[i], head, (InputKind)((i + (int)head) % 4));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ExportThenImport_AnyShape_GivesTheSameParametersBitForBit(int[] sizes, OutputHead head, InputKind stage)
    {
        Mlp model = OnnxModels.Create(sizes, head, stage, seed: sizes.Sum());

        Mlp imported = OnnxImport.Read(OnnxExport.ToBytes(model)).Model;

        Assert.Equal(sizes, imported.LayerSizes.ToArray());
        Assert.Equal(head, imported.Head);
        for (int n = 0; n < model.LayerCount; n++)
        {
            Assert.Equal(Bits(model.GetWeights(n)), Bits(imported.GetWeights(n)));
            Assert.Equal(Bits(model.GetBiases(n)), Bits(imported.GetBiases(n)));
        }

        Assert.Equal(Bits(model.Input.Offset), Bits(imported.Input.Offset));
        Assert.Equal(Bits(model.Input.Scale), Bits(imported.Input.Scale));
    }

    [Theory]
    [InlineData(InputKind.Identity)]
    [InlineData(InputKind.Pixels)]
    [InlineData(InputKind.Standardized)]
    public void ExportThenImport_Predictions_AreIdentical(InputKind stage)
    {
        Mlp model = OnnxModels.Create([9, 16, 4], OutputHead.Softmax, stage, seed: 3);
        Mlp imported = OnnxImport.Read(OnnxExport.ToBytes(model)).Model;
        float[] expected = new float[4];
        float[] actual = new float[4];

        for (int sample = 0; sample < 20; sample++)
        {
            float[] input = TestData.Uniform(9, 100 + sample, 30f);
            model.Predict(input, expected);
            imported.Predict(input, actual);
            Assert.Equal(Bits(expected), Bits(actual));
        }
    }

    [Fact]
    public void ExportThenImport_Learner_RestoresAlgorithmSettingsAndProvenance()
    {
        Mlp model = OnnxModels.Create([4, 3, 2], OutputHead.Softmax, InputKind.Pixels, seed: 4);
        Hyperparameters settings = Hyperparameters.For(LearningAlgorithm.ILSgd) with { LearningRate = 0.1f / 3, GammaDecay = 1e-7f };
        var learner = new OnlineLearner(model, LearningAlgorithm.ILSgd, settings) { SamplesSeen = 60_000 };
        var options = new OnnxExportOptions { SourceName = "sensor-7", ClassNames = ["off", "on"] };

        OnnxImportedModel imported = OnnxImport.Read(OnnxExport.ToBytes(learner, options));

        Assert.Equal("EdgeIL", imported.ProducerName);
        Assert.Equal(LearningAlgorithm.ILSgd, imported.Algorithm);
        Assert.Equal(settings, imported.Hyperparameters);
        Assert.Equal(60_000, imported.SamplesSeen);
        Assert.Equal("sensor-7", imported.SourceName);
        Assert.Equal(["off", "on"], imported.ClassNames);
        OnlineLearner continued = imported.CreateLearner();
        Assert.Equal((LearningAlgorithm.ILSgd, settings, 60_000L), (continued.Algorithm, continued.Hyperparameters, continued.SamplesSeen));
    }

    [Fact]
    public void CreateLearner_OtherAlgorithm_UsesItsDefaultsAndKeepsLearning()
    {
        Mlp model = OnnxModels.Create([4, 3, 2], OutputHead.Softmax, InputKind.Identity, seed: 5);
        var learner = new OnlineLearner(model, LearningAlgorithm.BPSgd);
        OnnxImportedModel imported = OnnxImport.Read(OnnxExport.ToBytes(learner));

        OnlineLearner continued = imported.CreateLearner(LearningAlgorithm.ILProx);
        LearnResult result = continued.LearnClass([0.1f, 0.2f, 0.3f, 0.4f], 1);

        Assert.Equal(Hyperparameters.For(LearningAlgorithm.ILProx), continued.Hyperparameters);
        Assert.Equal(LearnStatus.Applied, result.Status);
        Assert.Equal(1, continued.SamplesSeen);
    }

    [Fact]
    public void Read_ModelWithoutLearner_HasNoTrainingFacts()
    {
        OnnxImportedModel imported = OnnxImport.Read(OnnxExport.ToBytes(OnnxModels.Create([2, 2], OutputHead.Sigmoid, InputKind.Identity, seed: 6)));

        Assert.Null(imported.Algorithm);
        Assert.Null(imported.Hyperparameters);
        Assert.Null(imported.SamplesSeen);
        Assert.Equal(LearningAlgorithm.ILProx, imported.CreateLearner().Algorithm);
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        int[] bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}
