using System.Text.Json;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.IO;

namespace EdgeIL.Host.Reports;

/// <summary>
/// Writes <c>report.json</c>, the machine-readable result of a run (schema <c>edgeil.report/1</c>;
/// the names are a contract: scripts read them).
/// </summary>
public static class RunReport
{
    /// <summary>The schema name and version written into every report.</summary>
    public const string Schema = "edgeil.report/1";

    /// <summary>Writes the report of <paramref name="result"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(RunResult result, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream => Write(result, stream));
    }

    /// <summary>Writes the report of <paramref name="result"/> to a stream.</summary>
    public static void Write(RunResult result, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        WriteObject(result, json);
    }

    /// <summary>Writes the report object of <paramref name="result"/> (for embedding in experiment results).</summary>
    public static void WriteObject(RunResult result, Utf8JsonWriter json)
    {
        RunOptions options = result.Options;
        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteString("dataset", result.Dataset);
        json.WriteString("algorithm", options.Algorithm.Name());
        json.WriteString("task", options.Task.ToString().ToLowerInvariant());
        json.WriteStartArray("layers");
        foreach (int size in options.Layers)
        {
            json.WriteNumberValue(size);
        }

        json.WriteEndArray();
        json.WritePropertyName("hyperparameters");
        WriteHyperparameters(options.Algorithm, options.Hyperparameters, options.BatchSize, json);
        json.WriteNumber("seed", options.Seed);
        json.WriteNumber("learner_threads", options.LearnerThreads);
        json.WriteNumber("samples_seen", result.Learner.SamplesSeen);
        json.WriteNumber("rejected_steps", result.RejectedSteps);
        if (result.Learner.Replay is { } replay)
        {
            json.WriteStartObject("replay");
            json.WriteNumber("capacity", replay.Capacity);
            json.WriteNumber("per_step", replay.ReplaysPerStep);
            json.WriteNumber("held", replay.Count);
            json.WriteNumber("memory_bytes", replay.MemoryBytes);
            json.WriteEndObject();
        }

        if (options.DetectDrift is { } detector)
        {
            json.WriteStartObject("drift");
            json.WriteString("detector", detector.Name);
            json.WriteStartArray("changes");
            foreach (DriftEvent drift in result.Drifts)
            {
                json.WriteStartObject();
                json.WriteNumber("sample", drift.Sample);
                json.WriteNumber("change_sample", drift.ChangeSample);
                json.WriteNumber("mean_loss_before", drift.Detection.MeanBefore);
                json.WriteNumber("mean_loss_after", drift.Detection.MeanAfter);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteStartArray("checkpoints");
        foreach (Evaluation evaluation in result.Checkpoints)
        {
            WriteEvaluation(evaluation, options.Task, json);
        }

        json.WriteEndArray();
        json.WritePropertyName("final");
        WriteEvaluation(result.Final, options.Task, json);
        json.WriteStartObject("timing");
        WriteNumber(json, "learn_us_median", result.LearnMicrosecondsMedian);
        WriteNumber(json, "predict_us_median", result.PredictMicrosecondsMedian);
        json.WriteEndObject();
        json.WriteBoolean("partial", result.Partial);
        json.WriteEndObject();
    }

    /// <summary>The settings the rule actually reads, by their algorithms.md names.</summary>
    public static void WriteHyperparameters(LearningAlgorithm algorithm, Hyperparameters h, int batchSize, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        if (algorithm.UsesProximalTarget())
        {
            json.WriteNumber("alpha", h.Alpha);
        }

        if (algorithm.IsNormalized())
        {
            json.WriteNumber("eps", h.Epsilon);
        }

        if (!algorithm.IsNormalized() || algorithm.UsesAdam())
        {
            json.WriteNumber("lr", h.LearningRate);
        }

        if (algorithm.UsesInference())
        {
            json.WriteNumber("T", h.Iterations);
            json.WriteNumber("gamma_bot", h.GammaBottom);
            json.WriteNumber("gamma_top", h.GammaTop);
            json.WriteNumber("gamma_decay", h.GammaDecay);
        }

        if (algorithm == LearningAlgorithm.ILAdam)
        {
            json.WriteNumber("target_mix", h.TargetMix);
        }

        if (algorithm.UsesAdam())
        {
            json.WriteNumber("beta1", h.AdamBeta1);
            json.WriteNumber("beta2", h.AdamBeta2);
            json.WriteNumber("adam_eps", h.AdamEpsilon);
        }

        json.WriteNumber("batch", batchSize);
        json.WriteEndObject();
    }

    private static void WriteEvaluation(Evaluation evaluation, LearningTask task, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("samples", evaluation.Samples);
        switch (task)
        {
            case LearningTask.Classify:
                WriteNumber(json, "test_accuracy", evaluation.TestAccuracy);
                WriteNumber(json, "test_loss", evaluation.TestLoss);
                WriteNumber(json, "prequential_accuracy", evaluation.PrequentialAccuracy);
                break;
            case LearningTask.Autoencode:
                WriteNumber(json, "test_loss", evaluation.TestLoss);
                WriteNumber(json, "test_bce_per_pixel", evaluation.TestBcePerPixel);
                if (double.IsFinite(evaluation.TestMse))
                {
                    WriteNumber(json, "test_mse", evaluation.TestMse);
                }

                break;
            default:
                WriteNumber(json, "test_loss", evaluation.TestLoss);
                WriteNumber(json, "test_rmse", evaluation.TestRmse);
                break;
        }

        WriteNumber(json, "prequential_loss", evaluation.PrequentialLoss);

        json.WriteEndObject();
    }

    /// <summary>JSON has no NaN: an unmeasured value is written as null.</summary>
    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
