using System.CommandLine;
using System.Globalization;
using System.Text;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
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
        Description = "The CSV file to write. Default: predictions.csv",
        DefaultValueFactory = _ => "predictions.csv",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command(
            "predict",
            "Write one CSV line per sample of the data, in file order (training file first, then the test file, with the index running on): index, predicted class, and the probability of each class (p0, p1, ...).")
        {
            s_model,
            s_out,
        };
        DataOptions.AddTo(command);
        command.SetAction(parse => CommandErrors.Guard(error, () =>
        {
            OnlineLearner learner = CheckpointFile.Load(parse.GetValue(s_model)!);
            TrainTestData data = DataOptions.Load(parse);
            return new PredictRunner(output).Run(learner.Model, data, parse.GetValue(s_out)!);
        }));
        return command;
    }
}

/// <summary>Writes the predictions file.</summary>
public sealed class PredictRunner(TextWriter output)
{
    /// <summary>Predicts every sample and writes the CSV atomically; returns the exit code.</summary>
    public int Run(Mlp model, TrainTestData data, string path)
    {
        if (model.Head != OutputHead.Softmax)
        {
            throw new ArgumentException($"predict writes class probabilities, but this model's head is {model.Head}: it is not a classifier.");
        }

        if (model.InputSize != data.Train.FeatureCount)
        {
            throw new ArgumentException($"The model takes {model.InputSize} inputs but {data.Name} has {data.Train.FeatureCount} features per sample.");
        }

        float[] probabilities = new float[model.OutputSize];
        long written = 0;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write("index,predicted");
            for (int c = 0; c < model.OutputSize; c++)
            {
                writer.Write(",p" + c.ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteLine();
            foreach (LabeledDataset part in new[] { data.Train, data.Test })
            {
                for (int i = 0; i < part.Count; i++)
                {
                    model.Predict(part.GetFeatures(i), probabilities);
                    writer.Write(written.ToString(CultureInfo.InvariantCulture));
                    writer.Write(',');
                    writer.Write(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities).ToString(CultureInfo.InvariantCulture));
                    foreach (float p in probabilities)
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
