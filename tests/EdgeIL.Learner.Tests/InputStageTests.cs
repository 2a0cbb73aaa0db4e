namespace EdgeIL.Learner.Tests;

public class InputStageTests
{
    [Fact]
    public void Observe_ManySamples_MatchesTwoPassMeanAndDeviation()
    {
        var stage = new InputStage(3);
        stage.StartStandardizing();
        var random = new Random(4);
        double[][] samples = Enumerable.Range(0, 5000)
            .Select(_ => new[] { 1000 + random.NextDouble(), -3 * random.NextDouble(), 7.0 })
            .ToArray();
        foreach (double[] sample in samples)
        {
            stage.Observe(sample.Select(v => (float)v).ToArray());
        }

        for (int i = 0; i < 3; i++)
        {
            double mean = samples.Average(s => (double)(float)s[i]);
            double variance = samples.Average(s => ((float)s[i] - mean) * ((float)s[i] - mean));
            Assert.Equal(mean, stage.Mean[i], 1e-9 * Math.Max(1, Math.Abs(mean)));
            float expectedScale = variance > 1e-20 ? (float)(1 / Math.Sqrt(variance)) : 1f;
            Assert.Equal(expectedScale, stage.Scale[i], expectedScale * 1e-4f);
        }

        // The constant feature has nothing to scale by: it is centred and left at unit scale.
        Assert.Equal(1f, stage.Scale[2]);
    }

    [Fact]
    public void Freeze_StopsTheStatistics()
    {
        var stage = new InputStage(1);
        stage.StartStandardizing();
        stage.Observe([1f]);
        stage.Observe([3f]);
        stage.Freeze();
        stage.Observe([100f]);
        Assert.Equal(2, stage.Count);
        Assert.Equal(2.0, stage.Mean[0]);
        float[] output = new float[1];
        stage.Apply([4f], output);
        Assert.Equal(2f, output[0], 1e-6f);
    }

    [Fact]
    public void SetFixed_PixelScale_MapsToUnitInterval()
    {
        var stage = new InputStage(2);
        stage.SetFixed(0f, 1f / 255f);
        float[] output = new float[2];
        stage.Apply([255f, 51f], output);
        Assert.Equal(1f, output[0], 1e-6f);
        Assert.Equal(0.2f, output[1], 1e-6f);
        Assert.False(stage.IsIdentity);
        Assert.Throws<ArgumentException>(() => stage.SetFixed(0f, 0f));
    }

    [Fact]
    public void Predict_WithStage_EqualsPredictOnScaledInput()
    {
        Mlp scaled = Mlp.CreateRandom([4, 5, 3], OutputHead.Softmax, seed: 2);
        Mlp plain = scaled.Clone();
        scaled.Input.SetFixed([1f, 2f, 3f, 4f], [0.5f, 0.25f, 2f, 1f]);
        float[] raw = [3f, 6f, 3.5f, 0f];
        float[] x = [1f, 1f, 1f, -4f];
        float[] expected = new float[3], actual = new float[3];
        plain.Predict(x, expected);
        scaled.Predict(raw, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Learn_WithStandardizingStage_LearnsRawSensorUnits()
    {
        // Two classes that differ by 0.5 units on top of an offset of 10,000: hopeless without scaling.
        Mlp model = Mlp.CreateRandom([2, 8, 2], OutputHead.Softmax, seed: 1);
        model.Input.StartStandardizing();
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        var random = new Random(3);
        for (int step = 0; step < 1000; step++)
        {
            int label = random.Next(2);
            learner.LearnClass([10_000f + label * 0.5f + (float)(0.1 * random.NextDouble()), 3f], label);
        }

        Assert.Equal(1000, model.Input.Count);
        Assert.Equal(0, model.PredictClass([10_000.05f, 3f]));
        Assert.Equal(1, model.PredictClass([10_000.55f, 3f]));
    }
}
