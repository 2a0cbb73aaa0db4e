using EdgeIL.Learner.Onnx.Protos;
using Google.Protobuf;

namespace EdgeIL.Learner.Onnx;

/// <summary>
/// Reads an MLP from an ONNX model: the graphs that exporters write for a sequence of linear layers
/// and ReLUs become an <see cref="Mlp"/> that any <see cref="LearningAlgorithm"/> can keep training.
/// </summary>
/// <remarks>
/// <para>The graph must be one chain from its single input, in node order:</para>
/// <list type="number">
/// <item>optionally an input stage: <c>Sub(x, offset)</c>, then or alone <c>Mul(x, scale)</c>
/// (either operand order for <c>Mul</c>), with constant offset and scale of shape <c>[]</c>,
/// <c>[1]</c>, <c>[d_0]</c> or <c>[1, d_0]</c>;</item>
/// <item>linear layers, each <c>Gemm(h, B, C)</c> with <c>transA=0</c> and any <c>transB</c>,
/// <c>alpha</c> and <c>beta</c> (<c>C</c> optional), or <c>MatMul(h, B)</c> optionally followed by
/// <c>Add</c> of a bias; <c>B</c> and <c>C</c> initializers; <c>Relu</c> between consecutive layers;</item>
/// <item>optionally a final <c>Softmax</c> over the last axis or <c>Sigmoid</c>, which sets the head.
/// A graph that ends at the logits (as PyTorch exports an <c>nn.Linear</c> classifier head, whose
/// softmax lives in the loss) says nothing about its head: the caller's <c>head</c> is used, else
/// the identity head (<see cref="OnnxImportedModel.HeadFromGraph"/> tells the two cases apart).</item>
/// </list>
/// <para>
/// Any other operator, a branch, a constant computed by a node instead of stored as an initializer,
/// or shapes that do not chain is refused with an <see cref="OnnxFormatException"/> naming the node
/// and operator. Weights are copied as stored: <c>alpha</c> and <c>beta</c> are multiplied in only
/// when they are not 1, and a transposed <c>B</c> is transposed back, so a model exported by
/// <see cref="OnnxExport"/> comes back bit for bit.
/// </para>
/// </remarks>
public static class OnnxImport
{
    /// <summary>The largest file read: a protobuf message cannot exceed 2 GiB.</summary>
    public const long MaximumFileLength = int.MaxValue;

    /// <summary>Reads the ONNX model at <paramref name="path"/>.</summary>
    /// <param name="path">The ONNX file.</param>
    /// <param name="head">
    /// The output head for a graph that ends at the logits; null for the identity head. A graph that
    /// ends in its own Softmax or Sigmoid keeps it, and asking for another head is refused.
    /// </param>
    /// <returns>The model and what the file says about it.</returns>
    /// <exception cref="OnnxFormatException">The file is not ONNX or not an MLP EdgeIL can represent; the message names the file, and the node and operator at fault.</exception>
    /// <exception cref="IOException">The file cannot be read (for example it does not exist).</exception>
    public static OnnxImportedModel Load(string path, OutputHead? head = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        if (file.Length > MaximumFileLength)
        {
            throw new OnnxFormatException(fullPath, $"the file holds {file.Length} bytes; an ONNX model in one file holds at most 2 GiB (larger ones keep their weights in external data files, which EdgeIL does not read)");
        }

        byte[] bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return ReadBytes(bytes, fullPath, head);
    }

    /// <summary>Reads an ONNX model from its bytes.</summary>
    /// <param name="data">The bytes of an ONNX <c>ModelProto</c>.</param>
    /// <param name="head">The output head for a graph that ends at the logits, as for <see cref="Load"/>.</param>
    /// <returns>The model and what the bytes say about it.</returns>
    /// <exception cref="OnnxFormatException">The bytes are not ONNX or not an MLP EdgeIL can represent.</exception>
    public static OnnxImportedModel Read(ReadOnlySpan<byte> data, OutputHead? head = null) => ReadBytes(data, filePath: null, head);

    private static OnnxImportedModel ReadBytes(ReadOnlySpan<byte> data, string? filePath, OutputHead? head)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new OnnxFormatException(
                filePath, $"the bytes are not a valid ONNX protobuf message, perhaps truncated or of another format ({exception.Message})", innerException: exception);
        }

        return new OnnxGraphReader(model, filePath, head).Read();
    }
}
