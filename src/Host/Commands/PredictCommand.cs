using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.IO;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil predict</c>: a saved model's predictions for every sample of a dataset, as CSV.</summary>
public static class PredictCommand
{
    private static readonly Option<string> s_model = new("--model")
    {
        Description = "The checkpoint (model.edgeil) to predict with. Required.",
        Required = true,
    };

    private static readonly Option<string> s_out = new("--out")
    {
        Description = "The CSV file to write.",
        DefaultValueFactory = _ => "predictions.csv",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command(
            "predict",
            "Write one CSV line per sample of the data, in file order (training file first, then the test file, with the index running on): for a classifier index, predicted class and the probability of each class (p0, p1, ...); for a regression model index and each predicted target.")
        {
            s_model,
            s_out,
        };
        DataOptions.AddTo(command);
        command.SetAction(parse =>
        {
            string outPath = CommandPaths.OutputFile(parse.GetValue(s_out)!, "--out");
            OnlineLearner learner = CheckpointFile.Load(CommandPaths.InputFile(parse.GetValue(s_model)!, "--model"));
            TrainTestData data = DataOptions.Load(parse, learner.Model.Head == OutputHead.Identity ? LearningTask.Regress : LearningTask.Classify);
            return new PredictRunner(output).Run(learner.Model, data, outPath);
        });
        return command;
    }
}

/// <summary>Writes the predictions file.</summary>
public sealed class PredictRunner(TextWriter output)
{
    /// <summary>Predicts every sample and writes the CSV atomically; returns the exit code.</summary>
    public int Run(Mlp model, TrainTestData data, string path)
    {
        if (model.Head == OutputHead.Sigmoid)
        {
            throw new ArgumentException("predict is for classifiers and regression models; this model is an autoencoder (sigmoid head).");
        }

        if (model.InputSize != data.InputCount)
        {
            throw new ArgumentException($"The model takes {model.InputSize} inputs but {data.Name} has {data.InputCount} input features per sample.");
        }

        bool classifier = model.Head == OutputHead.Softmax;
        string[] columns = classifier
            ? ["predicted", .. Enumerable.Range(0, model.OutputSize).Select(c => "p" + c.ToString(CultureInfo.InvariantCulture))]
            : data.TargetCount == model.OutputSize ? [.. data.TargetNames] : [.. Enumerable.Range(0, model.OutputSize).Select(c => "y" + c.ToString(CultureInfo.InvariantCulture))];
        float[] outputs = new float[model.OutputSize];
        float[] features = new float[model.InputSize];
        long written = 0;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.WriteLine("index," + string.Join(',', columns));
            foreach (LabeledDataset part in new[] { data.Train, data.Test })
            {
                for (int i = 0; i < part.Count; i++)
                {
                    part.CopyFeatures(i, features);
                    model.Predict(features, outputs);
                    writer.Write(written.ToString(CultureInfo.InvariantCulture));
                    if (classifier)
                    {
                        writer.Write(',');
                        writer.Write(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(outputs).ToString(CultureInfo.InvariantCulture));
                    }

                    foreach (float p in outputs)
                    {
                        writer.Write(',');
                        writer.Write(p.ToString("G6", CultureInfo.InvariantCulture));
                    }

                    writer.WriteLine();
                    written++;
                }
            }
        });
        output.WriteLine($"Wrote {written} predictions to {path}.");
        return ExitCodes.Success;
    }
}
