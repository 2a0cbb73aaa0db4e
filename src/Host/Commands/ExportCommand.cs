using System.CommandLine;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil export</c>: a checkpoint's model as an ONNX file that takes the same raw input the device sees.</summary>
public static class ExportCommand
{
    private static readonly Option<string> s_model = new("--model")
    {
        Description = "The checkpoint (model.edgeil) to export. Required.",
        Required = true,
    };

    private static readonly Option<string> s_onnx = new("--onnx")
    {
        Description = "The ONNX file to write; an existing file is replaced atomically. Required.",
        Required = true,
    };

    private static readonly Option<string?> s_source = new("--source")
    {
        Description = "The dataset or source the model learned from, recorded in the metadata (e.g. mnist/train). Default: not recorded",
    };

    private static readonly Option<string?> s_classNames = new("--class-names")
    {
        Description = "The names of the outputs in order, comma-separated, recorded in the metadata (e.g. 0,1,2,3,4,5,6,7,8,9). Default: not recorded",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command(
            "export",
            "Write a checkpoint's model as ONNX (IR 10, opset 21): the input stage as Sub/Mul, a Gemm per layer, Relu between, Softmax or Sigmoid; input 'input' [batch, d0], outputs 'logits' and, for softmax and sigmoid heads, 'probabilities'.")
        {
            s_model,
            s_onnx,
            s_source,
            s_classNames,
        };
        command.SetAction(parse => new ExportRunner(output).Run(
            CommandPaths.InputFile(parse.GetValue(s_model)!, "--model"),
            CommandPaths.OutputFile(parse.GetValue(s_onnx)!, "--onnx"),
            parse.GetValue(s_source),
            parse.GetValue(s_classNames)?.Split(',', StringSplitOptions.TrimEntries)));
        return command;
    }
}

/// <summary>Exports one checkpoint.</summary>
public sealed class ExportRunner(TextWriter output)
{
    /// <summary>Loads the checkpoint, writes the ONNX file and returns the exit code.</summary>
    public int Run(string modelPath, string onnxPath, string? source, IReadOnlyList<string>? classNames)
    {
        OnlineLearner learner = CheckpointFile.Load(modelPath);
        Mlp model = learner.Model;
        OnnxExport.Save(learner, onnxPath, new OnnxExportOptions { SourceName = source, ClassNames = classNames });
        string outputs = model.Head == OutputHead.Identity
            ? $"'{OnnxExport.LogitsName}'"
            : $"'{OnnxExport.LogitsName}' and '{OnnxExport.ProbabilitiesName}' ({model.Head.ToString().ToLowerInvariant()})";
        output.WriteLine(
            $"Exported {string.Join('-', model.LayerSizes.ToArray())} ({learner.Algorithm.Name()}, {learner.SamplesSeen} samples) to {onnxPath}, {new FileInfo(onnxPath).Length} bytes: "
            + $"input '{OnnxExport.InputName}' [batch, {model.InputSize}], outputs {outputs}, IR {OnnxExport.IrVersion}, opset {OnnxExport.OpsetVersion}.");
        return ExitCodes.Success;
    }
}
