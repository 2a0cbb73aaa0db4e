using System.Globalization;
using System.Reflection;
using EdgeIL.Learner.IO;

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
        return Write(learner.Model, learner, options ?? new OnnxExportOptions());
    }

    /// <summary>The serialized ONNX model of <paramref name="model"/>, without training metadata.</summary>
    /// <param name="model">The network to export.</param>
    /// <param name="options">Facts to record that the model does not know; null for none.</param>
    /// <returns>The bytes of an ONNX <c>ModelProto</c>.</returns>
    public static byte[] ToBytes(Mlp model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Write(model, learner: null, options ?? new OnnxExportOptions());
    }

    internal static byte[] Write(Mlp model, OnlineLearner? learner, OnnxExportOptions options)
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

        var graph = new GraphWriter();
        string current = AddInputStage(graph, model.Input);
        for (int n = 0; n < model.LayerCount; n++)
        {
            current = AddLayer(graph, model, n, current);
        }

        string? headOperator = model.Head switch
        {
            OutputHead.Softmax => "Softmax",
            OutputHead.Sigmoid => "Sigmoid",
            _ => null,
        };
        if (headOperator is not null)
        {
            // Softmax's axis -1 is also opset 13's default; written out so that no reader has to know the default of its opset.
            ProtoWriter? axis = model.Head == OutputHead.Softmax ? IntAttribute("axis", -1) : null;
            graph.AddNode(headOperator, "head." + headOperator.ToLowerInvariant(), [LogitsName], ProbabilitiesName, axis);
        }

        var onnx = new ProtoWriter();
        onnx.WriteInt64(ModelField.IrVersion, IrVersion);
        onnx.WriteString(ModelField.ProducerName, ProducerName);
        onnx.WriteString(ModelField.ProducerVersion, EdgeILVersion);
        onnx.WriteString(ModelField.Domain, "org.edgeil");
        onnx.WriteInt64(ModelField.ModelVersion, 1);
        onnx.WriteString(ModelField.DocString, options.Description ?? Describe(model, learner));
        onnx.WriteMessage(ModelField.Graph, graph.Finish(model.InputSize, model.OutputSize, hasProbabilities: headOperator is not null));
        var opset = new ProtoWriter();
        opset.WriteString(OperatorSetField.Domain, string.Empty);
        opset.WriteInt64(OperatorSetField.Version, OpsetVersion);
        onnx.WriteMessage(ModelField.OpsetImport, opset);
        AddMetadata(onnx, model, learner, options);
        return onnx.ToArray();
    }

    private static string AddInputStage(GraphWriter graph, InputStage stage)
    {
        string current = InputName;
        if (stage.Offset.ContainsAnyExcept(0f))
        {
            graph.AddInitializer("input.offset", stage.Offset, stage.Features);
            graph.AddNode("Sub", "input.sub", [current, "input.offset"], "input.centered");
            current = "input.centered";
        }

        if (stage.Scale.ContainsAnyExcept(1f))
        {
            graph.AddInitializer("input.scale", stage.Scale, stage.Features);
            graph.AddNode("Mul", "input.mul", [current, "input.scale"], "input.scaled");
            current = "input.scaled";
        }

        return current;
    }

    private static string AddLayer(GraphWriter graph, Mlp model, int n, string current)
    {
        string prefix = string.Create(CultureInfo.InvariantCulture, $"layers.{n}");
        int inputs = model.LayerSizes[n];
        int outputs = model.LayerSizes[n + 1];
        graph.AddInitializer(prefix + ".weight", model.GetWeights(n), outputs, inputs);
        graph.AddInitializer(prefix + ".bias", model.GetBiases(n), outputs);
        bool last = n == model.LayerCount - 1;
        string linear = last ? LogitsName : prefix + ".linear";

        // transB=1: Gemm computes h W^T + b, which is EdgeIL's W h + b for each row h of the batch.
        graph.AddNode("Gemm", prefix + ".gemm", [current, prefix + ".weight", prefix + ".bias"], linear, IntAttribute("transB", 1));
        if (last)
        {
            return linear;
        }

        string relu = prefix + ".relu";
        graph.AddNode("Relu", relu, [linear], relu);
        return relu;
    }

    private static void AddMetadata(ProtoWriter onnx, Mlp model, OnlineLearner? learner, OnnxExportOptions options)
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

        void Add(string key, string value)
        {
            var entry = new ProtoWriter();
            entry.WriteString(StringEntryField.Key, key);
            entry.WriteString(StringEntryField.Value, value);
            onnx.WriteMessage(ModelField.MetadataProps, entry);
        }
    }

    private static string Describe(Mlp model, OnlineLearner? learner)
    {
        string layers = MetadataText.LayerSizes(model.LayerSizes).Replace(',', '-');
        string trained = learner is null
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $", trained by {learner.Algorithm.Name()} on {learner.SamplesSeen} samples");
        return $"EdgeIL MLP {layers} with a {MetadataText.HeadName(model.Head)} head{trained}.";
    }

    private static ProtoWriter IntAttribute(string name, long value)
    {
        var attribute = new ProtoWriter();
        attribute.WriteString(AttributeField.Name, name);
        attribute.WriteInt64(AttributeField.Int, value);
        attribute.WriteInt64(AttributeField.Type, AttributeTypeInt);
        return attribute;
    }

    /// <summary>
    /// A <c>GraphProto</c> under construction. Nodes and initializers arrive interleaved, layer by layer,
    /// but are kept apart because the message lists each repeated field in field-number order.
    /// </summary>
    private sealed class GraphWriter
    {
        private readonly ProtoWriter _nodes = new();
        private readonly ProtoWriter _initializers = new();

        public void AddNode(string operatorType, string name, string[] inputs, string output, ProtoWriter? attribute = null)
        {
            var node = new ProtoWriter();
            foreach (string input in inputs)
            {
                node.WriteString(NodeField.Input, input);
            }

            node.WriteString(NodeField.Output, output);
            node.WriteString(NodeField.Name, name);
            node.WriteString(NodeField.OperatorType, operatorType);
            if (attribute is not null)
            {
                node.WriteMessage(NodeField.Attribute, attribute);
            }

            _nodes.WriteMessage(GraphField.Node, node);
        }

        public void AddInitializer(string name, ReadOnlySpan<float> values, params ReadOnlySpan<int> dims)
        {
            var tensor = new ProtoWriter();
            foreach (int dim in dims)
            {
                tensor.WriteInt64(TensorField.Dims, dim);
            }

            tensor.WriteInt64(TensorField.DataType, TensorDataTypeFloat);
            tensor.WriteString(TensorField.Name, name);
            tensor.WriteFloatBytes(TensorField.RawData, values);
            _initializers.WriteMessage(GraphField.Initializer, tensor);
        }

        public ProtoWriter Finish(int inputFeatures, int outputFeatures, bool hasProbabilities)
        {
            var graph = new ProtoWriter();
            graph.WriteFields(_nodes);
            graph.WriteString(GraphField.Name, "edgeil_mlp");
            graph.WriteFields(_initializers);
            graph.WriteMessage(GraphField.Input, FloatValue(InputName, inputFeatures));
            graph.WriteMessage(GraphField.Output, FloatValue(LogitsName, outputFeatures));
            if (hasProbabilities)
            {
                graph.WriteMessage(GraphField.Output, FloatValue(ProbabilitiesName, outputFeatures));
            }

            return graph;
        }

        private static ProtoWriter FloatValue(string name, int features)
        {
            var batch = new ProtoWriter();
            batch.WriteString(DimensionField.Parameter, BatchDimensionName);
            var width = new ProtoWriter();
            width.WriteInt64(DimensionField.Value, features);
            var shape = new ProtoWriter();
            shape.WriteMessage(ShapeField.Dim, batch);
            shape.WriteMessage(ShapeField.Dim, width);
            var tensorType = new ProtoWriter();
            tensorType.WriteInt64(TensorTypeField.ElementType, TensorDataTypeFloat);
            tensorType.WriteMessage(TensorTypeField.Shape, shape);
            var type = new ProtoWriter();
            type.WriteMessage(TypeField.TensorType, tensorType);
            var value = new ProtoWriter();
            value.WriteString(ValueInfoField.Name, name);
            value.WriteMessage(ValueInfoField.Type, type);
            return value;
        }
    }

    // The field numbers and enum values of onnx.proto (ONNX IR 10) that the export writes; the importer's
    // onnx-subset.proto declares the same ones, and a test parses every export with it.
    private const int TensorDataTypeFloat = 1;
    private const int AttributeTypeInt = 2;

    private static class ModelField
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Domain = 4, ModelVersion = 5, DocString = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    private static class OperatorSetField
    {
        public const int Domain = 1, Version = 2;
    }

    private static class StringEntryField
    {
        public const int Key = 1, Value = 2;
    }

    private static class GraphField
    {
        public const int Node = 1, Name = 2, Initializer = 5, Input = 11, Output = 12;
    }

    private static class NodeField
    {
        public const int Input = 1, Output = 2, Name = 3, OperatorType = 4, Attribute = 5;
    }

    private static class AttributeField
    {
        public const int Name = 1, Int = 3, Type = 20;
    }

    private static class TensorField
    {
        public const int Dims = 1, DataType = 2, Name = 8, RawData = 9;
    }

    private static class ValueInfoField
    {
        public const int Name = 1, Type = 2;
    }

    private static class TypeField
    {
        public const int TensorType = 1;
    }

    private static class TensorTypeField
    {
        public const int ElementType = 1, Shape = 2;
    }

    private static class ShapeField
    {
        public const int Dim = 1;
    }

    private static class DimensionField
    {
        public const int Value = 1, Parameter = 2;
    }
}
