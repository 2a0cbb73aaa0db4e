using System.Globalization;
using System.Numerics.Tensors;
using EdgeIL.Learner.Onnx.Protos;
using AttributeType = EdgeIL.Learner.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace EdgeIL.Learner.Onnx;

/// <summary>
/// Walks one parsed ONNX graph as the chain <see cref="OnnxImport"/> describes and builds the
/// <see cref="Mlp"/>, or throws an <see cref="OnnxFormatException"/> at the first thing that does not fit.
/// </summary>
internal sealed class OnnxGraphReader
{
    // ONNX Runtime runs opsets from 7 on, where Gemm took its present form (no "broadcast" attribute).
    private const long MinimumOpset = 7;

    private const string Supported =
        "an EdgeIL MLP is an optional Sub/Mul input stage, then Gemm (or MatMul + Add) layers with Relu between, then an optional Softmax or Sigmoid";

    private readonly ModelProto _model;
    private readonly string? _filePath;
    private readonly OutputHead? _requestedHead;
    private readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sparseInitializers = new(StringComparer.Ordinal);
    private readonly List<float[]> _weights = [];
    private readonly List<float[]> _biases = [];
    private readonly List<int> _sizes = [];

    // The value the chain has reached, and its width when known.
    private string _current = string.Empty;
    private int? _width;
    private float[]? _offset;
    private float[]? _scale;
    private PendingMatMul? _pending;
    private int _lastReluNode = -1;
    private OutputHead _head = OutputHead.Identity;
    private string? _logits;
    private string? _headOutput;

    public OnnxGraphReader(ModelProto model, string? filePath, OutputHead? requestedHead)
    {
        if (requestedHead is { } head && !Enum.IsDefined(head))
        {
            throw new ArgumentOutOfRangeException(nameof(requestedHead), head, "Unknown output head.");
        }

        _model = model;
        _filePath = filePath;
        _requestedHead = requestedHead;
    }

    public OnnxImportedModel Read()
    {
        if (!_model.HasIrVersion || _model.IrVersion < 3)
        {
            // IR 3 introduced opset_import; a ModelProto without an IR version is not ONNX at all.
            throw Fail(_model.HasIrVersion
                ? $"IR version {_model.IrVersion} predates operator sets (IR 3); re-export the model with a current exporter"
                : "no IR version: the bytes parse as protobuf but are not an ONNX model");
        }

        GraphProto graph = _model.Graph ?? throw Fail("the model has no graph");
        long opset = DefaultOpset();
        foreach (TensorProto tensor in graph.Initializer)
        {
            if (!_initializers.TryAdd(tensor.Name, tensor))
            {
                throw Fail($"two initializers are named '{tensor.Name}'");
            }
        }

        foreach (SparseTensorProto sparse in graph.SparseInitializer)
        {
            _sparseInitializers.Add(sparse.Values?.Name ?? string.Empty);
        }

        ReadGraphInput(graph);
        for (int index = 0; index < graph.Node.Count; index++)
        {
            ReadNode(graph.Node[index], index);
        }

        FinishPendingLayer();
        if (_weights.Count == 0)
        {
            throw Fail($"the graph has no Gemm or MatMul layer; {Supported}");
        }

        if (_lastReluNode >= 0 && _logits is null)
        {
            NodeProto relu = graph.Node[_lastReluNode];
            throw Fail($"node {Label(relu, _lastReluNode)} (Relu) follows the last linear layer; an EdgeIL output layer has no ReLU", relu, _lastReluNode);
        }

        CheckGraphOutputs(graph);
        bool headFromGraph = _headOutput is not null;
        if (_requestedHead is { } requested)
        {
            if (headFromGraph && requested != _head)
            {
                // The graph's own output function is part of what the model computes; swapping it
                // would import a different model under the same weights.
                throw Fail($"the graph ends in its own {_head} (output '{_headOutput}'), so its head is {_head.ToString().ToLowerInvariant()}; a {requested.ToString().ToLowerInvariant()} head cannot be chosen for it");
            }

            _head = requested;
        }

        if (LearnerLimits.LayerSizesProblem(_sizes.ToArray()) is { } sizeProblem)
        {
            throw Fail($"the network is outside what EdgeIL trains: {sizeProblem}");
        }

        Mlp mlp = BuildModel();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto entry in _model.MetadataProps)
        {
            metadata.TryAdd(entry.Key, entry.Value);
        }

        CheckMetadata(metadata, mlp);

        return new OnnxImportedModel(mlp, headFromGraph, _model.ProducerName, _model.ProducerVersion, _model.IrVersion, opset, metadata);
    }

    private long DefaultOpset()
    {
        foreach (OperatorSetIdProto set in _model.OpsetImport)
        {
            if (IsDefaultDomain(set.Domain))
            {
                return set.Version >= MinimumOpset
                    ? set.Version
                    : throw Fail($"it imports opset {set.Version}; EdgeIL reads opset {MinimumOpset} and later");
            }
        }

        throw Fail("it imports no version of the standard ONNX operator set (opset_import has no entry for the default domain)");
    }

    private void ReadGraphInput(GraphProto graph)
    {
        ValueInfoProto? input = null;
        foreach (ValueInfoProto candidate in graph.Input)
        {
            // Before IR 4 every initializer was also listed as an input; those are constants, not data.
            if (_initializers.ContainsKey(candidate.Name))
            {
                continue;
            }

            if (input is not null)
            {
                throw Fail($"the graph has several data inputs ('{input.Name}', '{candidate.Name}'); an MLP has one");
            }

            input = candidate;
        }

        if (input is null)
        {
            throw Fail("the graph has no data input");
        }

        _current = input.Name;
        if (input.Type?.TensorType is not { } tensor)
        {
            throw Fail($"input '{input.Name}' is not a tensor");
        }

        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw Fail($"input '{input.Name}' holds {DataTypeName(tensor.ElemType)} values; EdgeIL models take float32");
        }

        if (tensor.Shape is { } shape)
        {
            if (shape.Dim.Count != 2)
            {
                throw Fail($"input '{input.Name}' has shape {ShapeText(shape)}; an MLP takes [batch, features]");
            }

            if (shape.Dim[1].HasDimValue)
            {
                _width = CheckSize(shape.Dim[1].DimValue, $"the feature count of input '{input.Name}'");
            }
        }
    }

    private void ReadNode(NodeProto node, int index)
    {
        if (!IsDefaultDomain(node.Domain))
        {
            throw Fail($"node {Label(node, index)} uses operator {node.OpType} of domain '{node.Domain}'; {Supported}", node, index);
        }

        if (_headOutput is not null)
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) comes after the output function; {Supported}", node, index);
        }

        if (node.Output.Count != 1 || node.Output[0].Length == 0)
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) has {node.Output.Count} outputs; every node of an MLP has one", node, index);
        }

        int position = node.Input.IndexOf(_current);
        if (position < 0)
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) does not read '{_current}', the value the chain of layers has reached: the graph is not a single chain; {Supported}", node, index);
        }

        switch (node.OpType)
        {
            case "Sub":
                ReadSub(node, index);
                break;
            case "Mul":
                ReadMul(node, index, position);
                break;
            case "Gemm":
                ReadGemm(node, index, position);
                break;
            case "MatMul":
                ReadMatMul(node, index, position);
                break;
            case "Add":
                ReadAdd(node, index, position);
                break;
            case "Relu":
                ReadRelu(node, index);
                break;
            case "Softmax":
            case "Sigmoid":
                ReadHead(node, index);
                break;
            default:
                throw Fail($"node {Label(node, index)} uses operator {node.OpType}, which an EdgeIL MLP cannot represent; {Supported}", node, index);
        }

        _current = node.Output[0];
    }

    private void ReadSub(NodeProto node, int index)
    {
        if (_weights.Count > 0 || _pending is not null || _offset is not null || _scale is not null)
        {
            throw Fail($"node {Label(node, index)} (Sub) is not at the start of the graph; only the input stage (Sub, then Mul) may subtract", node, index);
        }

        if (node.Input.Count != 2 || node.Input[0] != _current)
        {
            throw Fail($"node {Label(node, index)} (Sub) must compute '{_current}' minus a constant offset", node, index);
        }

        _offset = ReadStageVector(node, index, node.Input[1], "offset");
    }

    private void ReadMul(NodeProto node, int index, int position)
    {
        if (_weights.Count > 0 || _pending is not null || _scale is not null)
        {
            throw Fail($"node {Label(node, index)} (Mul) is not part of the input stage; only the input stage (Sub, then Mul) may multiply", node, index);
        }

        if (node.Input.Count != 2)
        {
            throw Fail($"node {Label(node, index)} (Mul) must multiply '{_current}' by a constant scale", node, index);
        }

        _scale = ReadStageVector(node, index, node.Input[1 - position], "scale");
    }

    private void ReadGemm(NodeProto node, int index, int position)
    {
        StartLayer(node, index);
        if (position != 0 || node.Input.Count is < 2 or > 3)
        {
            throw Fail($"node {Label(node, index)} (Gemm) must take '{_current}' as its first input A, then weights B and optionally a bias C", node, index);
        }

        long transA = IntAttribute(node, index, "transA", 0);
        long transB = IntAttribute(node, index, "transB", 0);
        float alpha = FloatAttribute(node, index, "alpha", 1f);
        float beta = FloatAttribute(node, index, "beta", 1f);
        if (transA != 0)
        {
            throw Fail($"node {Label(node, index)} (Gemm) has transA={transA}: it would transpose the batch, which no linear layer of an MLP does", node, index);
        }

        float[] weights = ReadWeights(node, index, node.Input[1], transposed: transB != 0, out int inputs, out int outputs);
        if (alpha != 1f)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] *= alpha;
            }
        }

        // ReadBias hands back an array of its own, so it becomes the layer's without a copy.
        bool hasBias = node.Input.Count == 3 && node.Input[2].Length > 0;
        float[] biases = hasBias ? ReadBias(node, index, node.Input[2], outputs) : new float[outputs];
        if (hasBias && beta != 1f)
        {
            for (int i = 0; i < biases.Length; i++)
            {
                biases[i] *= beta;
            }
        }

        AddLayer(node, index, weights, biases, inputs, outputs);
        _logits = node.Output[0];
    }

    private void ReadMatMul(NodeProto node, int index, int position)
    {
        StartLayer(node, index);
        if (position != 0 || node.Input.Count != 2)
        {
            throw Fail($"node {Label(node, index)} (MatMul) must multiply '{_current}' on the left by a weight matrix", node, index);
        }

        float[] weights = ReadWeights(node, index, node.Input[1], transposed: false, out int inputs, out int outputs);
        _pending = new PendingMatMul(node, index, weights, inputs, outputs);
        _logits = node.Output[0];
    }

    private void ReadAdd(NodeProto node, int index, int position)
    {
        if (_pending is not { } pending)
        {
            throw Fail($"node {Label(node, index)} (Add) does not follow a MatMul; Add is read only as the bias of a MatMul layer", node, index);
        }

        if (node.Input.Count != 2)
        {
            throw Fail($"node {Label(node, index)} (Add) must add a constant bias to '{_current}'", node, index);
        }

        float[] biases = ReadBias(node, index, node.Input[1 - position], pending.Outputs);
        _pending = null;
        AddLayer(pending.Node, pending.Index, pending.Weights, biases, pending.Inputs, pending.Outputs);
        _logits = node.Output[0];
    }

    private void ReadRelu(NodeProto node, int index)
    {
        FinishPendingLayer();
        if (_weights.Count == 0 || _logits is null)
        {
            throw Fail(
                _weights.Count == 0
                    ? $"node {Label(node, index)} (Relu) comes before the first linear layer; the input layer of an EdgeIL MLP has no activation"
                    : $"node {Label(node, index)} (Relu) follows another Relu",
                node,
                index);
        }

        _logits = null;
        _lastReluNode = index;
    }

    private void ReadHead(NodeProto node, int index)
    {
        FinishPendingLayer();
        if (_logits is null)
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) does not directly follow a linear layer; the output function applies to the last layer's logits", node, index);
        }

        if (node.OpType == "Softmax")
        {
            // Before opset 13 Softmax flattened from `axis` (default 1) on; for [batch, d] inputs that
            // and opset 13's per-axis softmax (default -1) are the same, for axis 1 or -1 alike.
            long axis = IntAttribute(node, index, "axis", -1);
            if (axis is not (1 or -1))
            {
                throw Fail($"node {Label(node, index)} (Softmax) has axis={axis}; an EdgeIL classifier normalises over the features, axis 1 or -1", node, index);
            }

            _head = OutputHead.Softmax;
        }
        else
        {
            _head = OutputHead.Sigmoid;
        }

        _headOutput = node.Output[0];
    }

    private void StartLayer(NodeProto node, int index)
    {
        if (_pending is not null || (_weights.Count > 0 && _logits is not null))
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) follows a linear layer without a Relu between; EdgeIL hidden layers use ReLU", node, index);
        }
    }

    private void FinishPendingLayer()
    {
        if (_pending is { } pending)
        {
            _pending = null;
            AddLayer(pending.Node, pending.Index, pending.Weights, new float[pending.Outputs], pending.Inputs, pending.Outputs);
        }
    }

    private void AddLayer(NodeProto node, int index, float[] weights, float[] biases, int inputs, int outputs)
    {
        int expected = _weights.Count == 0 ? _width ?? inputs : _sizes[^1];
        if (inputs != expected)
        {
            string source = _weights.Count == 0 ? "the input has" : "the previous layer has";
            throw Fail($"node {Label(node, index)} ({node.OpType}) takes {inputs} features but {source} {expected}", node, index);
        }

        if (_sizes.Count == 0)
        {
            _sizes.Add(inputs);
            _width = inputs;
        }

        _sizes.Add(outputs);
        _weights.Add(weights);
        _biases.Add(biases);
    }

    /// <summary>Weights as EdgeIL keeps them, <c>outputs x inputs</c> row-major, from B stored <c>[inputs, outputs]</c> (or <c>[outputs, inputs]</c> when <paramref name="transposed"/>).</summary>
    private float[] ReadWeights(NodeProto node, int index, string name, bool transposed, out int inputs, out int outputs)
    {
        TensorProto tensor = Initializer(node, index, name, "weights");
        if (tensor.Dims.Count != 2)
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) has weights '{name}' of shape {DimsText(tensor)}; a linear layer's weights are a matrix", node, index);
        }

        int rows = CheckSize(tensor.Dims[0], $"dimension 0 of '{name}'");
        int columns = CheckSize(tensor.Dims[1], $"dimension 1 of '{name}'");
        float[] stored = ReadFloats(node, index, tensor);
        if (transposed)
        {
            outputs = rows;
            inputs = columns;
            return stored;
        }

        inputs = rows;
        outputs = columns;
        float[] weights = new float[stored.Length];
        for (int i = 0; i < inputs; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                weights[(o * inputs) + i] = stored[(i * outputs) + o];
            }
        }

        return weights;
    }

    private float[] ReadBias(NodeProto node, int index, string name, int outputs)
    {
        TensorProto tensor = Initializer(node, index, name, "bias");
        float[] values = ReadFloats(node, index, tensor);
        if (!IsVector(tensor) || (values.Length != outputs && values.Length != 1))
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) has bias '{name}' of shape {DimsText(tensor)}, which does not broadcast to one value per each of the {outputs} outputs", node, index);
        }

        return values.Length == outputs ? values : Enumerable.Repeat(values[0], outputs).ToArray();
    }

    /// <summary>An offset or scale: one value for every feature, or one per feature (broadcast later, once the width is known).</summary>
    private float[] ReadStageVector(NodeProto node, int index, string name, string role)
    {
        TensorProto tensor = Initializer(node, index, name, role);
        float[] values = ReadFloats(node, index, tensor);
        if (!IsVector(tensor) || values.Length == 0 || (values.Length != 1 && _width is { } width && values.Length != width))
        {
            throw Fail($"node {Label(node, index)} ({node.OpType}) has {role} '{name}' of shape {DimsText(tensor)}, which does not broadcast to one value per input feature", node, index);
        }

        if (values.Length > 1)
        {
            _width ??= values.Length;
        }

        return values;
    }

    // [], [n] and [1, n] all broadcast along the features of a [batch, n] value.
    private static bool IsVector(TensorProto tensor) => tensor.Dims.Count < 2 || (tensor.Dims.Count == 2 && tensor.Dims[0] == 1);

    private TensorProto Initializer(NodeProto node, int index, string name, string role)
    {
        if (_initializers.TryGetValue(name, out TensorProto? tensor))
        {
            return tensor;
        }

        string why = _sparseInitializers.Contains(name)
            ? "is a sparse initializer, which EdgeIL does not read"
            : "is not an initializer (EdgeIL reads constants only from the graph's initializers)";
        throw Fail($"node {Label(node, index)} ({node.OpType}) reads its {role} from '{name}', which {why}", node, index);
    }

    private float[] ReadFloats(NodeProto node, int index, TensorProto tensor)
    {
        string where = $"initializer '{tensor.Name}' of node {Label(node, index)} ({node.OpType})";
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
        {
            throw Fail($"{where} keeps its values in an external data file, which EdgeIL does not read", node, index);
        }

        if (tensor.Segment is not null)
        {
            throw Fail($"{where} is split into segments, which EdgeIL does not read", node, index);
        }

        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw Fail($"{where} holds {DataTypeName(tensor.DataType)} values; EdgeIL reads float32 weights", node, index);
        }

        long count = 1;
        foreach (long dim in tensor.Dims)
        {
            if (dim < 0 || dim > int.MaxValue)
            {
                throw Fail($"{where} has an invalid dimension {dim}", node, index);
            }

            count *= dim;
            if (count > int.MaxValue / sizeof(float))
            {
                throw Fail($"{where} has shape {DimsText(tensor)}, too large for one file", node, index);
            }
        }

        float[] values = new float[count];
        if (tensor.HasRawData)
        {
            if (tensor.RawData.Length != count * sizeof(float))
            {
                throw Fail($"{where} has shape {DimsText(tensor)} ({count} values, {count * sizeof(float)} bytes) but holds {tensor.RawData.Length} bytes", node, index);
            }

            TensorBytes.ToFloats(tensor.RawData.Span, values);
        }
        else if (tensor.FloatData.Count == count)
        {
            tensor.FloatData.CopyTo(values, 0);
        }
        else
        {
            throw Fail($"{where} has shape {DimsText(tensor)} ({count} values) but holds {tensor.FloatData.Count}", node, index);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw Fail($"{where} holds the non-finite value {values[i]} at index {i}; EdgeIL cannot learn from such a model", node, index);
            }
        }

        return values;
    }

    private long IntAttribute(NodeProto node, int index, string name, long fallback)
    {
        AttributeProto? attribute = FindAttribute(node, index, name, AttributeType.Int);
        return attribute is null ? fallback : attribute.I;
    }

    private float FloatAttribute(NodeProto node, int index, string name, float fallback)
    {
        AttributeProto? attribute = FindAttribute(node, index, name, AttributeType.Float);
        return attribute is null ? fallback : attribute.F;
    }

    private AttributeProto? FindAttribute(NodeProto node, int index, string name, AttributeType type)
    {
        foreach (AttributeProto attribute in node.Attribute)
        {
            if (attribute.Name != name)
            {
                continue;
            }

            // IR 1 had no type field: there the value field that is present says the type.
            bool typeMatches = attribute.HasType
                ? attribute.Type == type
                : type == AttributeType.Int ? attribute.HasI : attribute.HasF;
            if (!typeMatches || attribute.HasRefAttrName)
            {
                throw Fail($"node {Label(node, index)} ({node.OpType}) has attribute {name} of type {attribute.Type}; it must be a {type} value", node, index);
            }

            return attribute;
        }

        return null;
    }

    private void CheckGraphOutputs(GraphProto graph)
    {
        if (graph.Output.Count == 0)
        {
            throw Fail("the graph has no output");
        }

        foreach (ValueInfoProto output in graph.Output)
        {
            if (output.Name != _logits && output.Name != _headOutput)
            {
                string expected = _headOutput is null ? $"'{_logits}'" : $"'{_logits}' or '{_headOutput}'";
                throw Fail($"graph output '{output.Name}' is not the last layer's logits or the output function's result ({expected}); an EdgeIL MLP has no other outputs");
            }
        }
    }

    private Mlp BuildModel()
    {
        Mlp mlp;
        try
        {
            mlp = new Mlp(_sizes.ToArray(), _head);
        }
        catch (ArgumentException exception)
        {
            throw Fail($"the layer sizes {string.Join("-", _sizes)} do not make a network: {exception.Message}");
        }

        for (int n = 0; n < _weights.Count; n++)
        {
            mlp.SetWeights(n, _weights[n]);
            mlp.SetBiases(n, _biases[n]);
        }

        if (_offset is not null || _scale is not null)
        {
            int features = _sizes[0];
            float[] offset = Broadcast(_offset, 0f, features, "offset");
            float[] scale = Broadcast(_scale, 1f, features, "scale");
            try
            {
                mlp.Input.SetFixed(offset, scale);
            }
            catch (ArgumentException exception)
            {
                throw Fail($"the input stage cannot be used: {exception.Message}");
            }
        }

        return mlp;
    }

    /// <summary>
    /// Holds what an EdgeIL export recorded to the ranges a checkpoint is held to (a model whose
    /// recorded settings no configuration could ask for is refused, not silently given defaults),
    /// and the weights to their recorded SHA-256.
    /// </summary>
    private void CheckMetadata(Dictionary<string, string> metadata, Mlp mlp)
    {
        if (metadata.TryGetValue(OnnxMetadata.WeightsSha256, out string? recorded))
        {
            string computed = WeightsDigest.Compute(mlp);
            if (!string.Equals(recorded, computed, StringComparison.Ordinal))
            {
                throw Fail($"metadata {OnnxMetadata.WeightsSha256}: the weights do not match their recorded SHA-256, so the file is damaged (recorded {Shorten(recorded)}, computed {computed})");
            }
        }

        for (int n = 0; n < mlp.LayerCount; n++)
        {
            if (!(TensorPrimitives.MaxMagnitude(mlp.GetWeights(n)) < OnlineLearner.WeightMagnitudeLimit
                && TensorPrimitives.MaxMagnitude(mlp.GetBiases(n)) < OnlineLearner.WeightMagnitudeLimit))
            {
                throw Fail($"layer {n} holds a weight or bias of magnitude {LearnerLimits.Format(OnlineLearner.WeightMagnitudeLimit)} or more; EdgeIL keeps every parameter below that");
            }
        }

        if (metadata.TryGetValue(OnnxMetadata.Algorithm, out string? algorithmName)
            && LearningAlgorithms.TryParse(algorithmName, out LearningAlgorithm algorithm)
            && metadata.TryGetValue(OnnxMetadata.Hyperparameters, out string? settings))
        {
            string? problem = MetadataText.HyperparametersProblem(settings, algorithm);
            if (problem is not null)
            {
                throw Fail($"metadata {OnnxMetadata.Hyperparameters}: {problem}");
            }
        }

        if (metadata.TryGetValue(OnnxMetadata.SamplesSeen, out string? samples)
            && !(long.TryParse(samples, NumberStyles.None, CultureInfo.InvariantCulture, out long count) && count <= LearnerLimits.MaximumSampleCount))
        {
            throw Fail($"metadata {OnnxMetadata.SamplesSeen}: '{Shorten(samples)}' is not a sample count in 0..{LearnerLimits.MaximumSampleCount}");
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private float[] Broadcast(float[]? values, float identity, int features, string role)
    {
        if (values is null)
        {
            return Enumerable.Repeat(identity, features).ToArray();
        }

        if (values.Length == features)
        {
            return values;
        }

        return values.Length == 1
            ? Enumerable.Repeat(values[0], features).ToArray()
            : throw Fail($"the input {role} has {values.Length} values but the input has {features} features");
    }

    private static bool IsDefaultDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";

    private static string Label(NodeProto node, int index) =>
        node.Name.Length > 0 ? $"'{node.Name}'" : string.Create(CultureInfo.InvariantCulture, $"#{index} (unnamed)");

    private static string DimsText(TensorProto tensor) => "[" + string.Join(", ", tensor.Dims) + "]";

    private static string ShapeText(TensorShapeProto shape) =>
        "[" + string.Join(", ", shape.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.HasDimParam ? d.DimParam : "?")) + "]";

    private static string DataTypeName(int type) => type switch
    {
        0 => "undefined (0)",
        1 => "float32 (1)",
        2 => "uint8 (2)",
        3 => "int8 (3)",
        6 => "int32 (6)",
        7 => "int64 (7)",
        10 => "float16 (10)",
        11 => "float64 (11)",
        16 => "bfloat16 (16)",
        _ => string.Create(CultureInfo.InvariantCulture, $"data type {type}"),
    };

    private int CheckSize(long value, string what) =>
        value is >= 1 and <= int.MaxValue ? (int)value : throw Fail(string.Create(CultureInfo.InvariantCulture, $"{what} is {value}; it must be at least 1"));

    private OnnxFormatException Fail(string problem) => new(_filePath, problem);

    private OnnxFormatException Fail(string problem, NodeProto node, int index) =>
        new(_filePath, problem, node.Name.Length > 0 ? node.Name : string.Create(CultureInfo.InvariantCulture, $"#{index}"), node.OpType);

    private sealed record PendingMatMul(NodeProto Node, int Index, float[] Weights, int Inputs, int Outputs);
}
