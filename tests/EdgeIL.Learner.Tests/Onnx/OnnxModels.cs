// Linked into EdgeIL.Host.Tests, so that the export tests here and the ONNX Runtime tests there
// build their models one way. The namespace sits under EdgeIL.Learner, so it needs no using in either project.
namespace EdgeIL.Learner.Tests.Onnx;

/// <summary>The input stages an exported model can have, each with the raw inputs it is made for.</summary>
public enum InputKind
{
    /// <summary>No scaling; inputs in [-1, 1].</summary>
    Identity,

    /// <summary>Pixels 0..255 scaled by 1/255: only a Mul node.</summary>
    Pixels,

    /// <summary>A fixed offset and scale per feature, inputs around the offsets: Sub then Mul.</summary>
    PerFeature,

    /// <summary>Sensor readings in large units, standardised by running statistics (frozen).</summary>
    Standardized,
}

/// <summary>Seeded models with each kind of input stage, and raw inputs in the units each stage is made for.</summary>
internal static class OnnxModels
{
    public static Mlp Create(int[] sizes, OutputHead head, InputKind kind, int seed)
    {
        var model = Mlp.CreateRandom(sizes, head, seed);
        int features = sizes[0];
        switch (kind)
        {
            case InputKind.Pixels:
                model.Input.SetFixed(0f, 1f / 255);
                break;
            case InputKind.PerFeature:
                model.Input.SetFixed(Uniform(features, seed + 1, 0f, 50f), Uniform(features, seed + 2, 0.01f, 2f));
                break;
            case InputKind.Standardized:
                model.Input.StartStandardizing();
                float[] samples = RawInputs(InputKind.Standardized, features, 100, seed + 3);
                for (int i = 0; i < 100; i++)
                {
                    model.Input.Observe(samples.AsSpan(i * features, features));
                }

                model.Input.Freeze();
                break;
        }

        return model;
    }

    /// <summary><paramref name="count"/> raw samples, row-major, in the units the input stage expects.</summary>
    public static float[] RawInputs(InputKind kind, int features, int count, int seed) => kind switch
    {
        InputKind.Pixels => Uniform(features * count, seed, 0f, 255f).Select(v => MathF.Round(v)).ToArray(),
        InputKind.PerFeature => Uniform(features * count, seed, -10f, 60f),
        InputKind.Standardized => Uniform(features * count, seed, 900f, 1100f),
        _ => Uniform(features * count, seed, -1f, 1f),
    };

    private static float[] Uniform(int length, int seed, float low, float high)
    {
        var random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = low + ((high - low) * (float)random.NextDouble());
        }

        return values;
    }
}
