using System.Globalization;
using System.Reflection;
using EdgeIL.Learner.IO;
using EdgeIL.Learner.Onnx.Protos;
using Google.Protobuf;

namespace EdgeIL.Learner.Onnx;

/// <summary>
/// Writes an <see cref="Mlp"/> as a standard ONNX model that takes the same raw input the device
/// sees: the input stage as leading <c>Sub</c>/<c>Mul</c> nodes, one <c>Gemm</c> per layer, <c>Relu</c>
/// between, and the head's output function.
/// </summary>
/// <remarks>
/// <para>
/// The graph has one input, <see cref="InputName"/> (<c>float[batch, d_0]</c>, the batch dimension
/// symbolic), and the outputs <see cref="LogitsName"/> (<c>h_N</c>, <c>float[batch, d_N]</c>) and,
/// for the softmax and sigmoid heads, <see cref="ProbabilitiesName"/>: <c>Softmax(axis=-1)</c> or
/// the element-wise <c>Sigmoid</c> of the logits. A sigmoid head's outputs are per-unit Bernoulli
/// probabilities (multi-label classes, or pixel intensities for an autoencoder), so both heads use
/// one name and a consumer finds the head's output in the same place whatever the task;
/// <see cref="OnnxMetadata.Head"/> says which function it is. The identity (regression) head has
/// only <see cref="LogitsName"/>.
/// </para>
/// <para>
/// Layer <c>n</c> is <c>Gemm(h, W_n, b_n, transB=1)</c> with <c>W_n</c> stored as EdgeIL keeps it,
/// <c>d_{n+1} x d_n</c> row-major, so the weights are copied byte for byte and an import gives them
/// back bit for bit. The input stage <c>(x - offset) * scale</c> becomes <c>Sub</c> then <c>Mul</c>;
/// a node whose constant is all zeros (offset) or all ones (scale) is left out, which changes no
/// result (<c>x - 0</c> and <c>x * 1</c> are exact), so the identity stage adds no node at all.
/// A running standardisation is exported with its current offset and scale.
/// </para>
/// <para>
/// The same model always gives the same bytes: nothing depends on the clock or the machine.
/// </para>
/// </remarks>
public static class OnnxExport
{
    /// <summary>
    /// The IR version written: 10 (ONNX 1.16, March 2024). Every construct EdgeIL writes is older,
    /// and ONNX Runtime reads IR 10 from release 1.18 on, so a model exported on a device also loads
    /// in the runtimes that boards and phones still ship, not only in the newest.
    /// </summary>
    public const long IrVersion = 10;

    /// <summary>
    /// The default-domain operator set imported: 21, the newest that IR version 10 pairs with. The
    /// operators used (<c>Sub</c>, <c>Mul</c>, <c>Gemm</c>, <c>Relu</c>, <c>Softmax</c>, <c>Sigmoid</c>)
    /// have not changed since opset 14, so their meaning is the same in every opset from 17 on.
    /// </summary>
    public const long OpsetVersion = 21;

    /// <summary>The model's <c>producer_name</c>.</summary>
    public const string ProducerName = "EdgeIL";

    /// <summary>The graph input: raw features, <c>float[batch, d_0]</c>.</summary>
    public const string InputName = "input";

    /// <summary>The graph output holding the logits <c>h_N</c>, <c>float[batch, d_N]</c>.</summary>
    public const string LogitsName = "logits";

    /// <summary>The graph output holding the head function of the logits (softmax and sigmoid heads only).</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>The symbolic name of the batch dimension.</summary>
    public const string BatchDimensionName = "batch";

    // Protobuf messages are limited to 2 GiB, and ONNX files larger than that need external data files,
    // which EdgeIL does not write; keep a margin for everything that is not a weight.
    private const long MaximumParameterBytes = int.MaxValue - (16L << 20);

    /// <summary>The EdgeIL version recorded in exported models (the learner library's informational version).</summary>
    public static string EdgeILVersion { get; } =
        typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxExport).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>
    /// Atomically writes the learner's model, with its algorithm, hyperparameters and sample count
    /// as metadata, to <paramref name="path"/>: a crash at any moment leaves the previous file or
    /// the whole new one, never a half-written model.
    /// </summary>
    /// <param name="learner">The learner whose model to export.</param>
    /// <param name="path">The ONNX file to create or replace; its directory must exist.</param>
    /// <param name="options">Facts to record that the learner does not know; null for none.</param>
    /// <exception cref="ArgumentException">The options do not fit the model (e.g. a wrong number of class names); no file was touched.</exception>
    /// <exception cref="IOException">Writing failed (for example the disk is full); the previous file is intact.</exception>
    public static void Save(OnlineLearner learner, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, ToBytes(learner, options));
    }

    /// <summary>As <see cref="Save(OnlineLearner, string, OnnxExportOptions?)"/> for a model without a learner (no training metadata).</summary>
    /// <param name="model">The network to export.</param>
    /// <param name="path">The ONNX file to create or replace; its directory must exist.</param>
    /// <param name="options">Facts to record that the model does not know; null for none.</param>
    public static void Save(Mlp model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, ToBytes(model, options));
    }

    /// <summary>The serialized ONNX model of the learner's network, with training metadata.</summary>
    /// <param name="learner">The learner whose model to export.</param>
    /// <param name="options">Facts to record that the learner does not know; null for none.</param>
    /// <returns>The bytes of an ONNX <c>ModelProto</c>.</returns>
    public static byte[] ToBytes(OnlineLearner learner, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        return Build(learner.Model, learner, options ?? new OnnxExportOptions()).ToByteArray();
    }

    /// <summary>The serialized ONNX model of <paramref name="model"/>, without training metadata.</summary>
    /// <param name="model">The network to export.</param>
    /// <param name="options">Facts to record that the model does not know; null for none.</param>
    /// <returns>The bytes of an ONNX <c>ModelProto</c>.</returns>
    public static byte[] ToBytes(Mlp model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Build(model, learner: null, options ?? new OnnxExportOptions()).ToByteArray();
    }

    internal static ModelProto Build(Mlp model, OnlineLearner? learner, OnnxExportOptions options)
    {
        if (options.ClassNames is { } names && names.Count != model.OutputSize)
        {
            throw new ArgumentException($"The model has {model.OutputSize} outputs but {names.Count} class names were given.", nameof(options));
        }

        if (model.ParameterCount * sizeof(float) > MaximumParameterBytes)
        {
            throw new ArgumentException(
                $"The model's {model.ParameterCount} parameters need more than 2 GiB; ONNX then needs external data files, which EdgeIL does not write.",
                nameof(model));
        }

        var graph = new GraphProto { Name = "edgeil_mlp" };
        graph.Input.Add(FloatValue(InputName, model.InputSize));
        string current = AddInputStage(graph, model.Input);
        for (int n = 0; n < model.LayerCount; n++)
        {
            current = AddLayer(graph, model, n, current);
        }

        graph.Output.Add(FloatValue(LogitsName, model.OutputSize));
        string? headOperator = model.Head switch
        {
            OutputHead.Softmax => "Softmax",
            OutputHead.Sigmoid => "Sigmoid",
            _ => null,
        };
        if (headOperator is not null)
        {
            NodeProto head = Node(headOperator, "head." + headOperator.ToLowerInvariant(), LogitsName, ProbabilitiesName);
            if (model.Head == OutputHead.Softmax)
            {
                // -1 is also opset 13's default; written out so that no reader has to know the default of its opset.
                head.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = -1 });
            }

            graph.Node.Add(head);
            graph.Output.Add(FloatValue(ProbabilitiesName, model.OutputSize));
        }

        var onnx = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = EdgeILVersion,
            Domain = "org.edgeil",
            ModelVersion = 1,
            DocString = options.Description ?? Describe(model, learner),
            Graph = graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
        AddMetadata(onnx, model, learner, options);
        return onnx;
    }

    private static string AddInputStage(GraphProto graph, InputStage stage)
    {
        string current = InputName;
        if (stage.Offset.ContainsAnyExcept(0f))
        {
            graph.Initializer.Add(FloatTensor("input.offset", stage.Offset, stage.Features));
            graph.Node.Add(Node("Sub", "input.sub", [current, "input.offset"], "input.centered"));
            current = "input.centered";
        }

        if (stage.Scale.ContainsAnyExcept(1f))
        {
            graph.Initializer.Add(FloatTensor("input.scale", stage.Scale, stage.Features));
            graph.Node.Add(Node("Mul", "input.mul", [current, "input.scale"], "input.scaled"));
            current = "input.scaled";
        }

        return current;
    }

    private static string AddLayer(GraphProto graph, Mlp model, int n, string current)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"layers.{n}");
        int inputs = model.LayerSizes[n];
        int outputs = model.LayerSizes[n + 1];
        graph.Initializer.Add(FloatTensor(prefix + ".weight", model.GetWeights(n), outputs, inputs));
        graph.Initializer.Add(FloatTensor(prefix + ".bias", model.GetBiases(n), outputs));
        bool last = n == model.LayerCount - 1;
        string linear = last ? LogitsName : prefix + ".linear";
        NodeProto gemm = Node("Gemm", prefix + ".gemm", [current, prefix + ".weight", prefix + ".bias"], linear);

        // transB=1: Gemm computes h W^T + b, which is EdgeIL's W h + b for each row h of the batch.
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(gemm);
        if (last)
        {
            return linear;
        }

        string relu = prefix + ".relu";
        graph.Node.Add(Node("Relu", relu, linear, relu));
        return relu;
    }

    private static void AddMetadata(ModelProto onnx, Mlp model, OnlineLearner? learner, OnnxExportOptions options)
    {
        Add(OnnxMetadata.Version, EdgeILVersion);
        if (learner is not null)
        {
            Add(OnnxMetadata.Algorithm, learner.Algorithm.Name());
            Add(OnnxMetadata.Hyperparameters, MetadataText.Hyperparameters(learner.Hyperparameters));
            Add(OnnxMetadata.SamplesSeen, learner.SamplesSeen.ToString(CultureInfo.InvariantCulture));
        }

        if (options.SourceName is { } source)
        {
            Add(OnnxMetadata.Source, source);
        }

        Add(OnnxMetadata.InputScaling, MetadataText.InputScaling(model.Input));
        if (options.ClassNames is { } names)
        {
            Add(OnnxMetadata.ClassNames, MetadataText.ClassNames(names));
        }

        Add(OnnxMetadata.Head, MetadataText.HeadName(model.Head));
        Add(OnnxMetadata.LayerSizes, MetadataText.LayerSizes(model.LayerSizes));
        Add(OnnxMetadata.WeightsSha256, WeightsDigest.Compute(model));

        void Add(string key, string value) => onnx.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    private static string Describe(Mlp model, OnlineLearner? learner)
    {
        string layers = MetadataText.LayerSizes(model.LayerSizes).Replace(',', '-');
        string trained = learner is null
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $", trained by {learner.Algorithm.Name()} on {learner.SamplesSeen} samples");
        return $"EdgeIL MLP {layers} with a {MetadataText.HeadName(model.Head)} head{trained}.";
    }

    private static NodeProto Node(string operatorType, string name, string input, string output) =>
        Node(operatorType, name, [input], output);

    private static NodeProto Node(string operatorType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = operatorType, Name = name };
        node.Input.Add(inputs);
        node.Output.Add(output);
        return node;
    }

    private static TensorProto FloatTensor(string name, ReadOnlySpan<float> values, params ReadOnlySpan<int> dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = TensorBytes.FromFloats(values) };
        foreach (int dim in dims)
        {
            tensor.Dims.Add(dim);
        }

        return tensor;
    }

    private static ValueInfoProto FloatValue(string name, int features)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimensionName });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = features });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
