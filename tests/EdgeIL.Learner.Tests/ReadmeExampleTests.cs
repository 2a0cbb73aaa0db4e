using System.Text.RegularExpressions;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;

namespace EdgeIL.Learner.Tests;

/// <summary>
/// Keeps the README's code honest: the example there must be, character for character, the body of
/// <see cref="Example"/>, which runs here. The README writes its files to the current folder; here they
/// go to a folder of the test's own (<c>Path.Combine(folder, ...)</c>, the one difference allowed),
/// because the current folder belongs to the whole test process and other tests run alongside.
/// </summary>
public sealed partial class ReadmeExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("edgeil-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Example_AsInReadme_RunsAndWritesBothFiles()
    {
        LearnResult result = Example(_folder);
        Assert.True(result.Applied);
        Assert.Equal(12, result.Iterations);
        Assert.True(CheckpointFile.Load(Path.Combine(_folder, "model.edgeil")).SamplesSeen == 1);
        Assert.True(new FileInfo(Path.Combine(_folder, "model.onnx")).Length > 0);
    }

    [Fact]
    public void Readme_CodeExample_IsTheTestedOne()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "EdgeIL.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("EdgeIL.sln not found above the test binaries.");
        }

        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int start = readme.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        string example = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        string source = InTestFolder().Replace(File.ReadAllText(Path.Combine(root, "tests", "EdgeIL.Learner.Tests", "ReadmeExampleTests.cs")), "$1");
        string body = string.Concat(example.TrimEnd('\n').Split('\n').Select(line => line.Length == 0 ? "\n" : "        " + line + "\n"));
        Assert.Contains(body, source);
    }

    [GeneratedRegex(@"Path\.Combine\(folder, (""[^""]+"")\)")]
    private static partial Regex InTestFolder();

    private static LearnResult Example(string folder)
    {
        // A 4-input, 3-class network. Readings arrive in raw sensor units, so the model standardises them itself.
        Mlp model = Mlp.CreateRandom([4, 16, 3], OutputHead.Softmax, seed: 1);
        model.Input.StartStandardizing();
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);

        float[] reading = [21.5f, 0.02f, -0.4f, 101_325f];
        int predicted = model.PredictClass(reading);
        LearnResult result = learner.LearnClass(reading, label: 2, iterationBudget: 12);
        Console.WriteLine($"predicted {predicted}, loss {result.Loss:F3}, {result.Status}");

        CheckpointFile.Save(learner, Path.Combine(folder, "model.edgeil"));
        OnnxExport.Save(learner, Path.Combine(folder, "model.onnx"));
        return result;
    }
}
