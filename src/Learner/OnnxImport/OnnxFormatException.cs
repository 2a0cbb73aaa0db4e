namespace EdgeIL.Learner.Onnx;

/// <summary>
/// The exception thrown when an ONNX file cannot become an EdgeIL model: it is not ONNX (truncated,
/// not protobuf, no graph), or its graph is not a chain of linear layers and ReLUs that an
/// <see cref="Mlp"/> can represent (an unsupported operator, a missing initializer, shapes that do
/// not fit). The message names the file when there is one, and the node and operator when one is at fault.
/// </summary>
/// <remarks>
/// I/O failures (a missing file, a read error) are not format errors: they surface as the
/// <see cref="IOException"/> that reading threw, so a caller can tell "retry later" from "this file is bad".
/// </remarks>
public sealed class OnnxFormatException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public OnnxFormatException()
        : this("The ONNX model cannot be imported.")
    {
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">What is wrong with the model.</param>
    public OnnxFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Initializes a new instance with the given message and the exception that revealed the problem.</summary>
    /// <param name="message">What is wrong with the model.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public OnnxFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>
    /// Initializes a new instance whose message is "<c>Cannot import ONNX model 'path': problem</c>",
    /// or without the path when the model did not come from a file.
    /// </summary>
    /// <param name="filePath">The ONNX file, or null when the bytes came from memory.</param>
    /// <param name="problem">What is wrong, naming the node and operator at fault if there is one.</param>
    /// <param name="nodeName">The name of the node at fault (or its position, for an unnamed node), if any.</param>
    /// <param name="operatorType">The operator of the node at fault, if any.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public OnnxFormatException(string? filePath, string problem, string? nodeName = null, string? operatorType = null, Exception? innerException = null)
        : base(FormatMessage(filePath, problem), innerException)
    {
        FilePath = filePath;
        Problem = problem;
        NodeName = nodeName;
        OperatorType = operatorType;
    }

    /// <summary>Gets the ONNX file, or null when the model was read from memory.</summary>
    public string? FilePath { get; }

    /// <summary>Gets what is wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>Gets the name of the node at fault (<c>#index</c> for an unnamed one), or null when no node is.</summary>
    public string? NodeName { get; }

    /// <summary>Gets the operator (<c>op_type</c>) of the node at fault, or null when no node is.</summary>
    public string? OperatorType { get; }

    private static string FormatMessage(string? filePath, string problem) =>
        filePath is null ? $"Cannot import ONNX model: {problem}" : $"Cannot import ONNX model '{filePath}': {problem}";
}
