namespace EdgeIL.Learner.Onnx;

/// <summary>
/// The keys EdgeIL writes in an ONNX model's <c>metadata_props</c>. ONNX Runtime exposes them as
/// <c>ModelMetadata.CustomMetadataMap</c>; <c>OnnxImport</c> (in EdgeIL.Learner.OnnxImport) reads them back.
/// </summary>
public static class OnnxMetadata
{
    /// <summary>The EdgeIL version that exported the model (the learner library's informational version).</summary>
    public const string Version = "edgeil.version";

    /// <summary>The learning rule's kebab-case name, e.g. <c>il-prox</c> (see <see cref="LearningAlgorithms.Name"/>).</summary>
    public const string Algorithm = "edgeil.algorithm";

    /// <summary>Every hyperparameter, as a JSON object keyed by the camel-case property names of <see cref="Learner.Hyperparameters"/>.</summary>
    public const string Hyperparameters = "edgeil.hyperparameters";

    /// <summary>The samples the model learned from (<see cref="OnlineLearner.SamplesSeen"/>), a decimal integer.</summary>
    public const string SamplesSeen = "edgeil.samples_seen";

    /// <summary>The dataset or source the model learned from (<see cref="OnnxExportOptions.SourceName"/>).</summary>
    public const string Source = "edgeil.source";

    /// <summary>
    /// How the input stage's offset and scale were obtained: <c>identity</c>, <c>fixed</c>, or
    /// <c>standardize</c> with its sample count and whether it was frozen. The values themselves are
    /// the graph's <c>input.offset</c> and <c>input.scale</c> initializers.
    /// </summary>
    public const string InputScaling = "edgeil.input_scaling";

    /// <summary>The names of the output units in order, as a JSON array of strings.</summary>
    public const string ClassNames = "edgeil.class_names";

    /// <summary>The output head: <c>softmax</c>, <c>sigmoid</c> or <c>identity</c>.</summary>
    public const string Head = "edgeil.head";

    /// <summary>The layer sizes <c>d_0..d_N</c>, comma-separated.</summary>
    public const string LayerSizes = "edgeil.layer_sizes";

    /// <summary>
    /// The SHA-256 of the model's parameters as 64 lower-case hex digits (input offsets and scales,
    /// then each layer's weights and biases as little-endian float32). <c>OnnxImport</c> (in EdgeIL.Learner.OnnxImport) refuses
    /// a file whose weights do not match it; files without it (other exporters) are read as they are.
    /// </summary>
    public const string WeightsSha256 = "edgeil.weights_sha256";
}
