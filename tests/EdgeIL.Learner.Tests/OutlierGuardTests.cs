using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Learner.Tests;

/// <summary>
/// The guard's promise (README, "The learner in code"): no applied step leaves a model that predicts
/// a non-finite value for a finite input inside the range the applied steps came from. The stream
/// is a sensor log in which 1 % of the rows carry a reading of 1e30, as a broken sensor reports.
/// </summary>
public class OutlierGuardTests
{
    private const int Features = 8;
    private const int Classes = 3;
    private const int Rows = 800;

    public static TheoryData<LearningAlgorithm, InputScaling> RulesAndScalings()
    {
        var data = new TheoryData<LearningAlgorithm, InputScaling>();
        foreach (LearningAlgorithm algorithm in LearningAlgorithms.All)
        {
            data.Add(algorithm, InputScaling.Fixed);
            data.Add(algorithm, InputScaling.Standardize);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RulesAndScalings))]
    public void Learn_StreamWithHugeReadings_EndsWithFinitePredictionsAndAModelThatSavesAndLoads(LearningAlgorithm algorithm, InputScaling scaling)
    {
        (float[][] rows, int[] labels, bool[] outlier) = SensorLog(seed: 5);
        Mlp model = Mlp.CreateRandom([Features, 16, 16, Classes], OutputHead.Softmax, seed: 2);
        if (scaling == InputScaling.Standardize)
        {
            model.Input.StartStandardizing();
        }

        var learner = new OnlineLearner(model, algorithm);
        var applied = new List<float[]>();
        float[] output = new float[Classes];
        for (int i = 0; i < Rows; i++)
        {
            if (learner.LearnClass(rows[i], labels[i]).Applied)
            {
                applied.Add(rows[i]);
            }

            // The promise holds after every step, not only at the end.
            if (i % 50 == 49)
            {
                AssertFinitePredictions(model, applied, $"{algorithm.Name()} after row {i}");
            }
        }

        float[][] clean = [.. rows.Where((_, i) => !outlier[i])];
        AssertFinitePredictions(model, clean, algorithm.Name());
        Assert.InRange(applied.Count, Rows / 2, Rows);

        var stream = new MemoryStream();
        Checkpoint.Save(learner, stream);
        stream.Position = 0;
        OnlineLearner loaded = Checkpoint.Load(stream);
        float[] expected = new float[Classes];
        foreach (float[] row in clean)
        {
            model.Predict(row, expected);
            loaded.Model.Predict(row, output);
            Assert.Equal(expected, output);
        }
    }

    [Fact]
    public void Learn_BPSgdOnHugeReading_RefusesTheStepAndKeepsTheModel()
    {
        Mlp model = Mlp.CreateRandom([Features, 16, Classes], OutputHead.Softmax, seed: 2);
        var learner = new OnlineLearner(model, LearningAlgorithm.BPSgd);
        (float[][] rows, int[] labels, _) = SensorLog(seed: 1);
        for (int i = 0; i < 20; i++)
        {
            learner.LearnClass(rows[i], labels[i]);
        }

        float[] before = TestData.Parameters(model);
        float[] huge = [.. rows[0]];
        huge[3] = 1e30f;

        LearnResult result = learner.LearnClass(huge, 1);

        Assert.Equal(LearnStatus.RejectedNonFiniteUpdate, result.Status);
        Assert.Equal(before, TestData.Parameters(model));
    }

    private static void AssertFinitePredictions(Mlp model, IEnumerable<float[]> rows, string what)
    {
        float[] output = new float[Classes];
        foreach (float[] row in rows)
        {
            model.Predict(row, output);
            Assert.True(output.All(float.IsFinite), $"{what}: prediction [{string.Join(", ", output)}]");
        }
    }

    /// <summary>Readings in sensor units (tens to hundreds), one class per cluster; every hundredth row has one reading of 1e30.</summary>
    private static (float[][] Rows, int[] Labels, bool[] Outlier) SensorLog(int seed)
    {
        var random = new Random(seed);
        float[][] rows = new float[Rows][];
        int[] labels = new int[Rows];
        bool[] outlier = new bool[Rows];
        for (int i = 0; i < Rows; i++)
        {
            labels[i] = random.Next(Classes);
            rows[i] = new float[Features];
            for (int j = 0; j < Features; j++)
            {
                rows[i][j] = (float)((10 * (j + 1)) + (30 * labels[i] * ((j % 3) - 1)) + (5 * random.NextDouble()));
            }

            if (i % 100 == 37)
            {
                rows[i][random.Next(Features)] = 1e30f;
                outlier[i] = true;
            }
        }

        return (rows, labels, outlier);
    }
}
