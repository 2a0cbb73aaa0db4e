using System.CommandLine;
using System.Globalization;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Host.Onnx;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil verify-onnx</c>: proves that ONNX Runtime computes what EdgeIL computes for an exported model.</summary>
public static class VerifyOnnxCommand
{
    /// <summary>The default largest absolute difference allowed on probabilities.</summary>
    public const double DefaultTolerance = 1e-5;

    /// <summary>The batch sizes every verification runs ONNX Runtime with: one sample, and a typical mini-batch.</summary>
    public static IReadOnlyList<int> BatchSizes { get; } = [1, 32];

    private static readonly Option<string> s_model = new("--model")
    {
        Description = "The checkpoint (model.edgeil) the ONNX file was exported from. Required.",
        Required = true,
    };

    private static readonly Option<string> s_onnx = new("--onnx")
    {
        Description = "The exported ONNX file. Required.",
        Required = true,
    };

    private static readonly Option<double> s_tolerance = new("--tolerance")
    {
        Description = "Largest absolute difference allowed on probabilities (relative, on outputs of at least 1, for a regression head).",
        DefaultValueFactory = _ => DefaultTolerance,
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command(
            "verify-onnx",
            "Run the exported model in ONNX Runtime on the test split of the data, in batches of 1 and 32, and compare with EdgeIL's own predictions; exit 3 if they differ by more than the tolerance or a classifier predicts a different class for any sample.")
        {
            s_model,
            s_onnx,
            s_tolerance,
        };
        DataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            OnlineLearner learner = CheckpointFile.Load(CommandPaths.InputFile(parse.GetValue(s_model)!, "--model"));
            string onnxPath = CommandPaths.InputFile(parse.GetValue(s_onnx)!, "--onnx");
            TrainTestData data = DataOptions.Load(parse);
            return new VerifyOnnxRunner(output, error).Run(learner.Model, onnxPath, data, parse.GetValue(s_tolerance));
        });
        return command;
    }
}

/// <summary>Verifies one exported model against its checkpoint.</summary>
public sealed class VerifyOnnxRunner(TextWriter output, TextWriter error)
{
    /// <summary>Compares the ONNX model with <paramref name="model"/> on the test split of <paramref name="data"/>; returns the exit code.</summary>
    public int Run(Mlp model, string onnxPath, TrainTestData data, double tolerance = VerifyOnnxCommand.DefaultTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        if (model.InputSize != data.Test.FeatureCount)
        {
            throw new ArgumentException($"The model takes {model.InputSize} inputs but {data.Name} has {data.Test.FeatureCount} features per sample.");
        }

        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"ONNX file '{onnxPath}' does not exist.", onnxPath);
        }

        // Before ONNX Runtime runs it: a file whose weights no longer match the SHA-256 its export
        // recorded is damaged, and is refused here with the reason rather than compared.
        OnnxImport.Load(onnxPath);

        InferenceSession session;
        try
        {
            session = new InferenceSession(onnxPath);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{onnxPath}': {exception.Message}", exception);
        }

        using (session)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Verifying {onnxPath} ({new FileInfo(onnxPath).Length} bytes) with ONNX Runtime {OrtEnv.Instance().GetVersionString()} against EdgeIL on {data.Test.Name}, {Math.Min(data.Test.Count, HeldOut.MaxRows)} samples, {model.Head.ToString().ToLowerInvariant()} head."));
            bool agrees = true;

            // Read once, whole, and so at most HeldOut.MaxRows rows: a test file given with --test may be larger.
            LabeledDataset compared = data.Test.Count <= HeldOut.MaxRows ? data.Test : data.Test.Slice(0, HeldOut.MaxRows, data.Test.Name);
            float[] testFeatures = compared.CopyAllFeatures();
            foreach (int batchSize in VerifyOnnxCommand.BatchSizes)
            {
                OnnxComparison comparison = OnnxRuntimeComparison.Compare(model, session, testFeatures, compared.Count, batchSize);
                bool ok = comparison.Agrees(model.Head, tolerance);
                agrees &= ok;
                string probabilities = comparison.ProbabilitiesDifference is { } p ? string.Create(CultureInfo.InvariantCulture, $", probabilities {p:G3}") : string.Empty;
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  batch {batchSize,2}: largest |difference| logits {comparison.LogitsDifference:G3} (relative {comparison.LogitsRelativeDifference:G3}){probabilities}; same class {comparison.SameClassShare:P2} ({comparison.SameClass}/{comparison.Samples}) {(ok ? "ok" : "FAILED")}"));
            }

            string criterion = model.Head switch
            {
                OutputHead.Softmax => string.Create(CultureInfo.InvariantCulture, $"{tolerance:G3} absolute on probabilities and 100 % same class"),
                OutputHead.Sigmoid => string.Create(CultureInfo.InvariantCulture, $"{tolerance:G3} absolute on probabilities"),
                _ => string.Create(CultureInfo.InvariantCulture, $"{tolerance:G3} relative on outputs"),
            };
            if (!agrees)
            {
                error.WriteLine($"edgeil: ONNX Runtime and EdgeIL disagree beyond the tolerance ({criterion}).");
                return ExitCodes.CheckFailed;
            }

            output.WriteLine($"ONNX Runtime agrees with EdgeIL within the tolerance ({criterion}).");
            return ExitCodes.Success;
        }
    }
}
