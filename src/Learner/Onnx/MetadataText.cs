using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeIL.Learner.Onnx;

/// <summary>
/// The text forms of the metadata values EdgeIL writes. JSON goes through <see cref="Utf8JsonWriter"/>
/// and <see cref="JsonDocument"/>, which need no reflection, so this stays trim- and AOT-clean.
/// </summary>
internal static class MetadataText
{
    public static string HeadName(OutputHead head) => head switch
    {
        OutputHead.Softmax => "softmax",
        OutputHead.Sigmoid => "sigmoid",
        _ => "identity",
    };

    public static string LayerSizes(ReadOnlySpan<int> sizes)
    {
        var text = new StringBuilder();
        foreach (int size in sizes)
        {
            text.Append(text.Length == 0 ? string.Empty : ",").Append(size.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static string InputScaling(InputStage stage)
    {
        if (stage.Scaling == Learner.InputScaling.Standardize)
        {
            string state = stage.Frozen ? "frozen" : "running";
            return string.Create(CultureInfo.InvariantCulture, $"standardize ({state}, {stage.Count} samples)");
        }

        return stage.IsIdentity ? "identity" : "fixed";
    }

    /// <summary>Every hyperparameter as a JSON object; floats in their shortest round-trip form, so parsing gives back the same bits.</summary>
    public static string Hyperparameters(Hyperparameters settings)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("alpha", settings.Alpha);
            json.WriteNumber("learningRate", settings.LearningRate);
            json.WriteNumber("iterations", settings.Iterations);
            json.WriteNumber("gammaBottom", settings.GammaBottom);
            json.WriteNumber("gammaTop", settings.GammaTop);
            json.WriteNumber("gammaDecay", settings.GammaDecay);
            json.WriteNumber("epsilon", settings.Epsilon);
            json.WriteNumber("targetMix", settings.TargetMix);
            json.WriteNumber("adamBeta1", settings.AdamBeta1);
            json.WriteNumber("adamBeta2", settings.AdamBeta2);
            json.WriteNumber("adamEpsilon", settings.AdamEpsilon);
            json.WriteNumber("balanceInterval", settings.BalanceInterval);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Reads <see cref="Hyperparameters(Learner.Hyperparameters)"/>'s form; a setting that is missing keeps
    /// the algorithm's default. Null when the text is not such an object or a setting is out of range.
    /// </summary>
    public static Hyperparameters? ParseHyperparameters(string text, LearningAlgorithm algorithm) =>
        TryParseHyperparameters(text, algorithm, out Hyperparameters? settings, out _) ? settings : null;

    /// <summary>What is wrong with <see cref="Hyperparameters(Learner.Hyperparameters)"/>'s form in <paramref name="text"/>, or null when it parses and is in range.</summary>
    public static string? HyperparametersProblem(string text, LearningAlgorithm algorithm) =>
        TryParseHyperparameters(text, algorithm, out _, out string? problem) ? null : problem;

    private static bool TryParseHyperparameters(string text, LearningAlgorithm algorithm, out Hyperparameters? result, out string? problem)
    {
        result = null;
        problem = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "not a JSON object";
                return false;
            }

            Hyperparameters defaults = Learner.Hyperparameters.For(algorithm);
            Hyperparameters settings = defaults with
            {
                Alpha = Single(root, "alpha", defaults.Alpha),
                LearningRate = Single(root, "learningRate", defaults.LearningRate),
                Iterations = root.TryGetProperty("iterations", out JsonElement iterations) ? iterations.GetInt32() : defaults.Iterations,
                GammaBottom = Single(root, "gammaBottom", defaults.GammaBottom),
                GammaTop = Single(root, "gammaTop", defaults.GammaTop),
                GammaDecay = Single(root, "gammaDecay", defaults.GammaDecay),
                Epsilon = Single(root, "epsilon", defaults.Epsilon),
                TargetMix = Single(root, "targetMix", defaults.TargetMix),
                AdamBeta1 = Single(root, "adamBeta1", defaults.AdamBeta1),
                AdamBeta2 = Single(root, "adamBeta2", defaults.AdamBeta2),
                AdamEpsilon = Single(root, "adamEpsilon", defaults.AdamEpsilon),
                BalanceInterval = root.TryGetProperty("balanceInterval", out JsonElement balance) ? balance.GetInt32() : defaults.BalanceInterval,
            };
            settings.Validate();
            result = settings;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            problem = exception.Message;
            return false;
        }

        static float Single(JsonElement root, string name, float fallback) =>
            root.TryGetProperty(name, out JsonElement value) ? value.GetSingle() : fallback;
    }

    public static string ClassNames(IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (string name in names)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a JSON array of strings; null when the text is anything else.</summary>
    public static string[]? ParseClassNames(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var names = new string[document.RootElement.GetArrayLength()];
            int i = 0;
            foreach (JsonElement element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                names[i++] = element.GetString()!;
            }

            return names;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
