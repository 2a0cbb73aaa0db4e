using EdgeIL.Host.Commands;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;

namespace EdgeIL.Host.Tests.Onnx;

/// <summary>export, verify-onnx and import as a user runs them.</summary>
public class OnnxCommandTests
{
    [Fact]
    public void ExportVerifyImport_OnTheSample_AgreeAndRoundTrip()
    {
        using var folder = new TemporaryFolder();
        OnlineLearner learner = SavedLearner(folder, OutputHead.Softmax);

        (int exported, string exportOutput, _) = HostCli.Invoke("export", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"), "--source", "sample/train", "--class-names", "0,1,2,3,4,5,6,7,8,9");
        (int verified, string verifyOutput, string verifyError) = HostCli.Invoke("verify-onnx", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"), "--data", "sample");
        (int imported, string importOutput, _) = HostCli.Invoke("import", "--onnx", folder.File("model.onnx"), "--out", folder.File("imported.edgeil"));

        Assert.Equal((0, 0, 0), (exported, verified, imported));
        Assert.Contains("Exported 784-32-10 (il-prox, 200 samples)", exportOutput, StringComparison.Ordinal);
        Assert.Contains("batch  1:", verifyOutput, StringComparison.Ordinal);
        Assert.Contains("batch 32:", verifyOutput, StringComparison.Ordinal);
        Assert.Contains("same class 100.00 % (1000/1000)", verifyOutput, StringComparison.Ordinal);
        Assert.Contains("ONNX Runtime agrees with EdgeIL", verifyOutput, StringComparison.Ordinal);
        Assert.Empty(verifyError);
        Assert.Contains("continues with il-prox and the settings recorded in the file, 200 samples", importOutput, StringComparison.Ordinal);
        OnlineLearner reloaded = CheckpointFile.Load(folder.File("imported.edgeil"));
        for (int n = 0; n < learner.Model.LayerCount; n++)
        {
            Assert.Equal(learner.Model.GetWeights(n).ToArray(), reloaded.Model.GetWeights(n).ToArray());
            Assert.Equal(learner.Model.GetBiases(n).ToArray(), reloaded.Model.GetBiases(n).ToArray());
        }

        Assert.Equal(learner.Model.Input.Scale.ToArray(), reloaded.Model.Input.Scale.ToArray());
        Assert.Equal(learner.Hyperparameters, reloaded.Hyperparameters);
    }

    [Fact]
    public void VerifyOnnx_ExportOfAnotherModel_ExitsWithCheckFailed()
    {
        using var folder = new TemporaryFolder();
        SavedLearner(folder, OutputHead.Softmax);
        var other = Mlp.CreateRandom([784, 32, 10], OutputHead.Softmax, seed: 99);
        other.Input.SetFixed(0f, 1f / 255);
        OnnxExport.Save(other, folder.File("other.onnx"));

        (int exit, string output, string error) = HostCli.Invoke("verify-onnx", "--model", folder.File("model.edgeil"), "--onnx", folder.File("other.onnx"), "--data", "sample");

        Assert.Equal(ExitCodes.CheckFailed, exit);
        Assert.Contains("FAILED", output, StringComparison.Ordinal);
        Assert.Contains("disagree beyond the tolerance", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OutputHead.Sigmoid)]
    [InlineData(OutputHead.Identity)]
    public void VerifyRunner_OtherHeads_Agree(OutputHead head)
    {
        using var folder = new TemporaryFolder();
        var model = Mlp.CreateRandom([784, 16, 10], head, seed: 3);
        model.Input.SetFixed(0f, 1f / 255);
        OnnxExport.Save(model, folder.File("model.onnx"));
        var output = new StringWriter();

        int exit = new VerifyOnnxRunner(output, new StringWriter()).Run(model, folder.File("model.onnx"), SampleData.Sample);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains(head == OutputHead.Identity ? "relative on outputs" : "absolute on probabilities", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyOnnx_NotAnOnnxFile_ExitsWithBadInput()
    {
        using var folder = new TemporaryFolder();
        SavedLearner(folder, OutputHead.Softmax);
        File.WriteAllText(folder.File("model.onnx"), "not a model");

        (int exit, _, string error) = HostCli.Invoke("verify-onnx", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"), "--data", "sample");

        // EdgeIL's own reader sees it first (it checks the recorded SHA-256 before ONNX Runtime runs the file).
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"Cannot import ONNX model '{folder.File("model.onnx")}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_UnsupportedGraph_NamesTheOperatorAndExitsWithBadInput()
    {
        using var folder = new TemporaryFolder();
        byte[] bytes = OnnxExport.ToBytes(Mlp.CreateRandom([3, 4, 2], OutputHead.Softmax, seed: 1));

        // Rename the hidden Relu's operator in place: same length, so the protobuf stays well formed.
        int at = IndexOf(bytes, "Relu"u8);
        "Tanh"u8.CopyTo(bytes.AsSpan(at));
        File.WriteAllBytes(folder.File("tanh.onnx"), bytes);

        (int exit, _, string error) = HostCli.Invoke("import", "--onnx", folder.File("tanh.onnx"), "--out", folder.File("model.edgeil"));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("node 'layers.0.relu' uses operator Tanh", error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("model.edgeil")));
    }

    [Fact]
    public void Import_GraphEndingAtLogits_SaysWhichHeadItAssumedAndHowToChooseAnother()
    {
        using var folder = new TemporaryFolder();
        OnnxExport.Save(Mlp.CreateRandom([4, 8, 3], OutputHead.Identity, seed: 2), folder.File("logits.onnx"));

        (int exit, string output, _) = HostCli.Invoke("import", "--onnx", folder.File("logits.onnx"), "--out", folder.File("model.edgeil"));

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("ends at the logits", output, StringComparison.Ordinal);
        Assert.Contains("imported with an identity head", output, StringComparison.Ordinal);
        Assert.Contains("--head softmax", output, StringComparison.Ordinal);
        Assert.Equal(OutputHead.Identity, CheckpointFile.Load(folder.File("model.edgeil")).Model.Head);
    }

    [Theory]
    [InlineData("softmax", OutputHead.Softmax)]
    [InlineData("sigmoid", OutputHead.Sigmoid)]
    [InlineData("identity", OutputHead.Identity)]
    public void Import_HeadOnAGraphEndingAtLogits_KeepsTheWeightsUnderThatHead(string name, OutputHead head)
    {
        using var folder = new TemporaryFolder();
        var exported = Mlp.CreateRandom([4, 8, 3], OutputHead.Identity, seed: 2);
        OnnxExport.Save(exported, folder.File("logits.onnx"));

        (int exit, string output, _) = HostCli.Invoke("import", "--onnx", folder.File("logits.onnx"), "--out", folder.File("model.edgeil"), "--head", name);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains($"with a {name} head", output, StringComparison.Ordinal);
        Assert.DoesNotContain("import it again", output, StringComparison.Ordinal);
        Mlp model = CheckpointFile.Load(folder.File("model.edgeil")).Model;
        Assert.Equal(head, model.Head);
        Assert.Equal(exported.GetWeights(1).ToArray(), model.GetWeights(1).ToArray());
        float[] logits = new float[3];
        float[] expectedLogits = new float[3];
        float[] input = [0.5f, -1f, 2f, 0.25f];
        model.ComputeLogits(input, logits);
        exported.ComputeLogits(input, expectedLogits);
        Assert.Equal(expectedLogits, logits);
    }

    [Fact]
    public void Import_HeadThatContradictsTheGraphsOwn_RefusedNamingBoth()
    {
        using var folder = new TemporaryFolder();
        OnnxExport.Save(Mlp.CreateRandom([4, 8, 3], OutputHead.Softmax, seed: 2), folder.File("softmax.onnx"));

        (int exit, _, string error) = HostCli.Invoke("import", "--onnx", folder.File("softmax.onnx"), "--out", folder.File("model.edgeil"), "--head", "sigmoid");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("ends in its own Softmax", error, StringComparison.Ordinal);
        Assert.Contains("a sigmoid head cannot be chosen", error, StringComparison.Ordinal);
        Assert.Contains("omit --head", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MetadataWithIterationsPastTheLimit_ExitsWithBadInputNamingTheKey()
    {
        // Before, this imported with exit 0 and a checkpoint whose first learn step never ended.
        using var folder = new TemporaryFolder();
        var learner = new OnlineLearner(Mlp.CreateRandom([3, 4, 2], OutputHead.Softmax, seed: 1), LearningAlgorithm.ILProx, Hyperparameters.For(LearningAlgorithm.ILProx) with { Iterations = 1000 });
        byte[] bytes = OnnxExport.ToBytes(learner);
        int at = IndexOf(bytes, "\"iterations\":1000"u8);
        "\"iterations\":9999"u8.CopyTo(bytes.AsSpan(at));
        File.WriteAllBytes(folder.File("model.onnx"), bytes);

        (int exit, _, string error) = HostCli.Invoke("import", "--onnx", folder.File("model.onnx"), "--out", folder.File("model.edgeil"));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("metadata edgeil.hyperparameters: Hyperparameter Iterations = 9999 must be in 0..2000", error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("model.edgeil")));
    }

    [Fact]
    public void Import_UnknownHead_IsAParseError()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("import", "--onnx", folder.File("x.onnx"), "--out", folder.File("model.edgeil"), "--head", "tanh");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("edgeil: Argument 'tanh' not recognized. Must be one of: 'softmax' 'sigmoid' 'identity'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void VerifyOnnx_WeightChangedAfterExport_ExitsWithBadInputSayingTheFileIsDamaged()
    {
        using var folder = new TemporaryFolder();
        SavedLearner(folder, OutputHead.Softmax);
        HostCli.Invoke("export", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"));
        byte[] bytes = File.ReadAllBytes(folder.File("model.onnx"));

        // The 784 x 32 weights of the first layer are most of the file; its middle byte is one of them.
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(folder.File("model.onnx"), bytes);

        (int exit, _, string error) = HostCli.Invoke("verify-onnx", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"), "--data", "sample");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("do not match their recorded SHA-256", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_OtherAlgorithm_UsesItsDefaults()
    {
        using var folder = new TemporaryFolder();
        SavedLearner(folder, OutputHead.Softmax);
        HostCli.Invoke("export", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"));

        (int exit, string output, _) = HostCli.Invoke("import", "--onnx", folder.File("model.onnx"), "--out", folder.File("adam.edgeil"), "--algorithm", "bp-adam");

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("continues with bp-adam and its default settings", output, StringComparison.Ordinal);
        Assert.Contains("Adam starts from zero moments", output, StringComparison.Ordinal);
        Assert.Equal(LearningAlgorithm.BPAdam, CheckpointFile.Load(folder.File("adam.edgeil")).Algorithm);
    }

    [Fact]
    public void Export_WrongNumberOfClassNames_ExitsWithBadInputAndWritesNothing()
    {
        using var folder = new TemporaryFolder();
        SavedLearner(folder, OutputHead.Softmax);

        (int exit, _, string error) = HostCli.Invoke("export", "--model", folder.File("model.edgeil"), "--onnx", folder.File("model.onnx"), "--class-names", "cat,dog");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("10 outputs but 2 class names", error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("model.onnx")));
    }

    [Theory]
    [InlineData("export")]
    [InlineData("verify-onnx")]
    [InlineData("import")]
    public void Help_EachOnnxCommand_StatesDefaults(string command)
    {
        (int exit, string output, _) = HostCli.Invoke(command, "--help");

        Assert.Equal(0, exit);
        Assert.Contains("default", output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A 784-32-10 learner with pixel scaling, trained on 200 samples of the bundled sample and saved as model.edgeil.</summary>
    private static OnlineLearner SavedLearner(TemporaryFolder folder, OutputHead head)
    {
        var model = Mlp.CreateRandom([784, 32, 10], head, seed: 1);
        model.Input.SetFixed(0f, 1f / 255);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        for (int i = 0; i < 200; i++)
        {
            learner.LearnClass(SampleData.Sample.Train.CopyFeatures(i), SampleData.Sample.Train.GetLabel(i));
        }

        CheckpointFile.Save(learner, folder.File("model.edgeil"));
        return learner;
    }


    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);
}
