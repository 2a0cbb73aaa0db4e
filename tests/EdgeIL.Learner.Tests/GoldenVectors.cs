using System.Text.Json;

namespace EdgeIL.Learner.Tests;

/// <summary>
/// The golden vectors of <c>Golden/*.json</c>: weights after each online step of tiny networks,
/// computed in float64 by independent implementations: <c>steps.json</c> from the algorithm
/// specification (the paper's rules), <c>unit-balance.json</c> by <c>make_unit_balance_cases.py</c>
/// for EdgeIL's unit balance (docs/algorithms.md).
/// </summary>
internal sealed record GoldenCase(
    string Name, LearningAlgorithm Algorithm, OutputHead Head, int[] Sizes, Hyperparameters Hyperparameters,
    GoldenParameters Initial, (float[] Input, float[] Label)[] Samples, GoldenParameters[] AfterEachStep)
{
    private static readonly Lazy<GoldenCase[]> s_all = new(Load);

    public static IReadOnlyList<GoldenCase> All => s_all.Value;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (GoldenCase golden in All)
        {
            data.Add(golden.Name);
        }

        return data;
    }

    public static GoldenCase Named(string name) => All.Single(c => c.Name == name);

    public Mlp CreateModel()
    {
        var model = new Mlp(Sizes, Head);
        for (int n = 0; n < model.LayerCount; n++)
        {
            model.SetWeights(n, ToFloat(Initial.Weights[n]));
            model.SetBiases(n, ToFloat(Initial.Biases[n]));
        }

        return model;
    }

    private static GoldenCase[] Load()
    {
        var cases = new List<GoldenCase>();
        foreach (string path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Golden"), "*.json").Order(StringComparer.Ordinal))
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
            {
                cases.Add(Case(c));
            }
        }

        return [.. cases];
    }

    private static GoldenCase Case(JsonElement c)
    {
        LearningAlgorithm algorithm = LearningAlgorithms.Parse(c.GetProperty("algorithm").GetString()!);
        OutputHead head = c.GetProperty("head").GetString() switch
        {
            "softmax" => OutputHead.Softmax,
            "sigmoid" => OutputHead.Sigmoid,
            var other => throw new InvalidDataException($"Unknown head {other}."),
        };
        int[] sizes = c.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        // A case without balance_interval is the paper's rule, which has no unit balance.
        Hyperparameters hyperparameters = Hyperparameters.For(algorithm) with { BalanceInterval = 0 };
        foreach (JsonProperty p in c.GetProperty("hyperparameters").EnumerateObject())
        {
            float value = p.Value.GetSingle();
            hyperparameters = p.Name switch
            {
                "alpha" => hyperparameters with { Alpha = value },
                "eps" => hyperparameters with { Epsilon = value },
                "T" => hyperparameters with { Iterations = (int)value },
                "gamma_bot" => hyperparameters with { GammaBottom = value },
                "gamma_top" => hyperparameters with { GammaTop = value },
                "lr" => hyperparameters with { LearningRate = value },
                "balance_interval" => hyperparameters with { BalanceInterval = (int)value },
                _ => throw new InvalidDataException($"Unknown hyperparameter {p.Name}."),
            };
        }

        var samples = c.GetProperty("samples").EnumerateArray()
            .Select(s => (Floats(s.GetProperty("x")), Floats(s.GetProperty("y"))))
            .ToArray();
        GoldenParameters[] steps = c.GetProperty("after_each_step").EnumerateArray().Select(Parameters).ToArray();
        string name = c.TryGetProperty("name", out JsonElement given)
            ? given.GetString()!
            : $"{algorithm.Name()}-{c.GetProperty("head").GetString()}-eps{hyperparameters.Epsilon}";
        return new GoldenCase(name, algorithm, head, sizes, hyperparameters, Parameters(c.GetProperty("initial")), samples, steps);
    }

    private static GoldenParameters Parameters(JsonElement element) => new(
        element.GetProperty("W").EnumerateArray().Select(w => w.EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(v => v.GetDouble()).ToArray()).ToArray(),
        element.GetProperty("b").EnumerateArray().Select(b => b.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray());

    private static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    private static float[] Floats(JsonElement element) => element.EnumerateArray().Select(v => v.GetSingle()).ToArray();
}

/// <summary>Weights (row-major per layer) and biases in float64.</summary>
internal sealed record GoldenParameters(double[][] Weights, double[][] Biases);
