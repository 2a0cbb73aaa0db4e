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

    private static readonly Option<string?> s_head = new("--head")
    {
        Description = "The output head of a graph that ends at the logits (as PyTorch exports an nn.Linear classifier): softmax (classes, cross-entropy), sigmoid (independent probabilities, binary cross-entropy) or identity (regression, squared error). A graph that ends in its own Softmax or Sigmoid keeps it. Default: identity, with a note saying so",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("import", "Read an MLP from ONNX and write it as an EdgeIL checkpoint that replay and the device can keep training.")
        {
            s_onnx,
            s_out,
            s_algorithm,
            s_head,
        };
        s_head.AcceptOnlyFromAmong("softmax", "sigmoid", "identity");
        command.SetAction(parse =>
        {
            string? algorithm = parse.GetValue(s_algorithm);
            OutputHead? head = parse.GetValue(s_head) is { } name ? Enum.Parse<OutputHead>(name, ignoreCase: true) : null;
            return new ImportRunner(output).Run(
                CommandPaths.InputFile(parse.GetValue(s_onnx)!, "--onnx"),
                CommandPaths.OutputFile(parse.GetValue(s_out)!, "--out"),
                algorithm is null ? null : LearningAlgorithms.Parse(algorithm),
                head);
        });
        return command;
    }
}

/// <summary>Imports one ONNX model.</summary>
public sealed class ImportRunner(TextWriter output)
{
    /// <summary>Reads the ONNX model, writes the checkpoint and returns the exit code.</summary>
    /// <param name="onnxPath">The ONNX file.</param>
    /// <param name="checkpointPath">The checkpoint to write.</param>
    /// <param name="algorithm">The rule to continue with; null for the file's, else IL-prox.</param>
    /// <param name="head">The head for a graph that ends at the logits; null for the identity head, with a note saying so.</param>
    public int Run(string onnxPath, string checkpointPath, LearningAlgorithm? algorithm, OutputHead? head = null)
    {
        OnnxImportedModel imported;
        try
        {
            imported = OnnxImport.Load(onnxPath, head);
        }
        catch (OnnxFormatException exception) when (head is not null)
        {
            throw new OnnxFormatException($"{exception.Message} (omit --head to keep the graph's own)", exception);
        }

        OnlineLearner learner = imported.CreateLearner(algorithm);
        CheckpointFile.Save(learner, checkpointPath);
        Mlp model = learner.Model;
        string producer = imported.ProducerName.Length == 0 ? "an unnamed producer" : $"{imported.ProducerName} {imported.ProducerVersion}".TrimEnd();
        string settings = imported.Hyperparameters is not null && learner.Algorithm == imported.Algorithm ? "the settings recorded in the file" : "its default settings";
        output.WriteLine(
            $"Imported {string.Join('-', model.LayerSizes.ToArray())} with a {model.Head.ToString().ToLowerInvariant()} head (input stage: {(model.Input.IsIdentity ? "identity" : "fixed offset and scale")}) "
            + $"from {onnxPath} ({producer}, IR {imported.IrVersion}, opset {imported.OpsetVersion}).");
        output.WriteLine($"Wrote {checkpointPath}: continues with {learner.Algorithm.Name()} and {settings}, {learner.SamplesSeen} samples seen so far.");
        if (!imported.HeadFromGraph)
        {
            output.WriteLine(head is null
                ? "The graph ends at the logits, with no Softmax or Sigmoid: imported with an identity head (regression, squared error). "
                  + "If it is a classifier (as PyTorch exports an nn.Linear head), import it again with --head softmax; for independent probabilities, --head sigmoid."
                : $"The graph ends at the logits: imported with the {model.Head.ToString().ToLowerInvariant()} head, as --head asked.");
        }

        if (learner.Adam is not null)
        {
            output.WriteLine("Adam starts from zero moments: ONNX holds no optimiser state.");
        }

        return ExitCodes.Success;
    }
}
