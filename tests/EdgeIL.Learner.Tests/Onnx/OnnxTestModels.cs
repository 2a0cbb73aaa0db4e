using EdgeIL.Learner.Onnx.Protos;
using Google.Protobuf;

namespace EdgeIL.Learner.Tests.Onnx;

/// <summary>The input stages a model can have when it is exported.</summary>
public enum StageKind
{
    /// <summary>Offset 0, scale 1: no Sub or Mul node.</summary>
    Identity,

    /// <summary>Pixels: offset 0 and scale 1/255 for every feature, so only a Mul node.</summary>
    Pixels,

    /// <summary>A fixed offset and scale per feature: Sub then Mul.</summary>
    PerFeature,

    /// <summary>Running standardisation over seeded samples, frozen.</summary>
    Standardized,
}

/// <summary>Seeded models and hand-built ONNX graphs for the export and import tests.</summary>
internal static class OnnxTestModels
{
    public static Mlp Create(int[] sizes, OutputHead head, StageKind stage, int seed)
    {
        var model = Mlp.CreateRandom(sizes, head, seed);
        int features = sizes[0];
        switch (stage)
        {
            case StageKind.Pixels:
                model.Input.SetFixed(0f, 1f / 255);
                break;
            case StageKind.PerFeature:
                model.Input.SetFixed(TestData.Uniform(features, seed + 1, 3f), TestData.Uniform(features, seed + 2).Select(v => 0.5f + Math.Abs(v)).ToArray());
                break;
            case StageKind.Standardized:
                model.Input.StartStandardizing();
                for (int i = 0; i < 50; i++)
                {
                    model.Input.Observe(TestData.Uniform(features, seed + 10 + i, 20f));
                }

                model.Input.Freeze();
                break;
        }

        return model;
    }

    /// <summary>A float tensor initializer, as raw little-endian bytes or (<paramref name="asFloatData"/>) in float_data.</summary>
    public static TensorProto Tensor(string name, float[] values, long[] dims, bool asFloatData = false)
    {
        var tensor = new TensorProto { Name = name, DataType = 1 };
        tensor.Dims.Add(dims);
        if (asFloatData)
        {
            tensor.FloatData.Add(values);
        }
        else
        {
            byte[] bytes = new byte[values.Length * sizeof(float)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            tensor.RawData = ByteString.CopyFrom(bytes);
        }

        return tensor;
    }

    public static NodeProto Node(string operatorType, string name, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = operatorType, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static ValueInfoProto Value(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    /// <summary>A model around <paramref name="graph"/>, as another exporter would write it.</summary>
    public static byte[] Model(GraphProto graph, long opset = 17, long irVersion = 8)
    {
        var model = new ModelProto { IrVersion = irVersion, ProducerName = "other", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
        return model.ToByteArray();
    }

    /// <summary>Computes an MLP forward pass in float64 from weights stored <c>[outputs, inputs]</c>.</summary>
    public static double[] Reference(float[] input, IReadOnlyList<(float[] Weights, float[] Biases)> layers, OutputHead head)
    {
        double[] h = input.Select(v => (double)v).ToArray();
        for (int n = 0; n < layers.Count; n++)
        {
            (float[] weights, float[] biases) = layers[n];
            int outputs = biases.Length;
            int inputs = h.Length;
            double[] next = new double[outputs];
            for (int o = 0; o < outputs; o++)
            {
                double sum = biases[o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += weights[(o * inputs) + i] * h[i];
                }

                next[o] = n < layers.Count - 1 ? Math.Max(sum, 0) : sum;
            }

            h = next;
        }

        if (head == OutputHead.Softmax)
        {
            double max = h.Max();
            double total = h.Sum(z => Math.Exp(z - max));
            return h.Select(z => Math.Exp(z - max) / total).ToArray();
        }

        return head == OutputHead.Sigmoid ? h.Select(z => 1 / (1 + Math.Exp(-z))).ToArray() : h;
    }
}
