using System.Text.Json;

namespace EdgeIL.Host.Tests;

/// <summary>Reads a written report back, the way a script would.</summary>
internal static class ReportJson
{
    public static JsonElement Read(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    /// <summary>Asserts every field the report contract names is present, with sane values.</summary>
    public static void AssertValidClassifierReport(JsonElement report, long samples)
    {
        Assert.Equal("edgeil.report/1", report.GetProperty("schema").GetString());
        foreach (string name in new[] { "dataset", "algorithm", "layers", "hyperparameters", "seed", "learner_threads", "samples_seen", "checkpoints", "final", "timing", "partial" })
        {
            Assert.True(report.TryGetProperty(name, out _), $"report.json lacks '{name}'");
        }

        Assert.Equal(samples, report.GetProperty("samples_seen").GetInt64());
        Assert.False(report.GetProperty("partial").GetBoolean());
        JsonElement final = report.GetProperty("final");
        double accuracy = final.GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0, 1);
        Assert.True(final.GetProperty("test_loss").GetDouble() > 0);
        Assert.InRange(final.GetProperty("prequential_accuracy").GetDouble(), 0, 1);
        Assert.Equal(samples, final.GetProperty("samples").GetInt64());
        JsonElement timing = report.GetProperty("timing");
        Assert.True(timing.GetProperty("learn_us_median").GetDouble() > 0);
        Assert.True(timing.GetProperty("predict_us_median").GetDouble() > 0);
        foreach (JsonElement checkpoint in report.GetProperty("checkpoints").EnumerateArray())
        {
            Assert.True(checkpoint.TryGetProperty("test_accuracy", out _));
            Assert.True(checkpoint.TryGetProperty("prequential_accuracy", out _));
        }
    }
}
