namespace EdgeIL.Learner.Onnx;

/// <summary>What an ONNX export records besides the network: facts the model itself does not know.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// The dataset or stream the model learned from, for example <c>mnist/train</c> or a sensor's
    /// name; written as <see cref="OnnxMetadata.Source"/> when not null.
    /// </summary>
    public string? SourceName { get; init; }

    /// <summary>
    /// The names of the outputs in order (class names of a classifier); written as
    /// <see cref="OnnxMetadata.ClassNames"/> when not null. There must be one per output unit.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>A human-readable description written as the model's <c>doc_string</c>; null for a generated one.</summary>
    public string? Description { get; init; }
}
