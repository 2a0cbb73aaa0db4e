using System.CommandLine;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil import</c>: an MLP in ONNX as an EdgeIL checkpoint that any learning rule can keep training.</summary>
public static class ImportCommand
{
    private static readonly Option<string> s_onnx = new("--onnx")
    {
        Description = "The ONNX model to import: Gemm (or MatMul + Add) layers with Relu between, an optional Sub/Mul input stage and an optional final Softmax or Sigmoid. Required.",
        Required = true,
    };

    private static readonly Option<string> s_out = new("--out")
    {
        Description = "The checkpoint to write (e.g. model.edgeil); an existing file is replaced atomically. Required.",
        Required = true,
    };

    private static readonly Option<string?> s_algorithm = new("--algorithm")
    {
        Description = $"The learning rule to continue with: {string.Join(", ", LearningAlgorithms.Names)}. Default: the one an EdgeIL export recorded (with its settings), else il-prox",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("import", "Read an MLP from ONNX and write it as an EdgeIL checkpoint that replay and the device can keep training.")
        {
            s_onnx,
            s_out,
            s_algorithm,
        };
        command.SetAction(parse => CommandErrors.Guard(error, () =>
        {
            string? algorithm = parse.GetValue(s_algorithm);
            return new ImportRunner(output).Run(parse.GetValue(s_onnx)!, parse.GetValue(s_out)!, algorithm is null ? null : LearningAlgorithms.Parse(algorithm));
        }));
        return command;
    }
}

/// <summary>Imports one ONNX model.</summary>
public sealed class ImportRunner(TextWriter output)
{
    /// <summary>Reads the ONNX model, writes the checkpoint and returns the exit code.</summary>
    public int Run(string onnxPath, string checkpointPath, LearningAlgorithm? algorithm)
    {
        OnnxImportedModel imported = OnnxImport.Load(onnxPath);
        OnlineLearner learner = imported.CreateLearner(algorithm);
        CheckpointFile.Save(learner, checkpointPath);
        Mlp model = learner.Model;
        string producer = imported.ProducerName.Length == 0 ? "an unnamed producer" : $"{imported.ProducerName} {imported.ProducerVersion}".TrimEnd();
        string settings = imported.Hyperparameters is not null && learner.Algorithm == imported.Algorithm ? "the settings recorded in the file" : "its default settings";
        output.WriteLine(
            $"Imported {string.Join('-', model.LayerSizes.ToArray())} with a {model.Head.ToString().ToLowerInvariant()} head (input stage: {(model.Input.IsIdentity ? "identity" : "fixed offset and scale")}) "
            + $"from {onnxPath} ({producer}, IR {imported.IrVersion}, opset {imported.OpsetVersion}).");
        output.WriteLine($"Wrote {checkpointPath}: continues with {learner.Algorithm.Name()} and {settings}, {learner.SamplesSeen} samples seen so far.");
        if (learner.Adam is not null)
        {
            output.WriteLine("Adam starts from zero moments: ONNX holds no optimiser state.");
        }

        return ExitCodes.Success;
    }
}
