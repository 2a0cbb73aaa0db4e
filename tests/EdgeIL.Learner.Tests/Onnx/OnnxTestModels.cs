using EdgeIL.Learner.Onnx.Protos;
using Google.Protobuf;

namespace EdgeIL.Learner.Tests.Onnx;

/// <summary>Hand-built ONNX graphs, as other exporters write them, and a float64 reference forward pass.</summary>
internal static class OnnxTestModels
{
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
