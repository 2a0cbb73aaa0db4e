using System.Diagnostics;
using System.IO.Compression;
using EdgeIL.Learner;

namespace EdgeIL.AbLearnStep;

/// <summary>
/// One learner of one build, driven by the runner through reflection (plain parameters only, since the
/// learner's own methods take spans). State stays between calls so that the rounds of a comparison
/// continue one stream.
/// </summary>
public static class AbShim
{
    private static OnlineLearner? s_learner;
    private static float[][] s_inputs = [];
    private static int[] s_labels = [];
    private static int s_next;

    /// <summary>A fresh learner (seed 1) that will stream the MNIST images in <paramref name="sampleFolder"/> in order.</summary>
    public static void Create(string layers, string algorithm, string sampleFolder)
    {
        int[] sizes = layers.Split('-').Select(int.Parse).ToArray();
        byte[] images = ReadGzip(Path.Combine(sampleFolder, "train-images-idx3-ubyte.gz"));
        byte[] labels = ReadGzip(Path.Combine(sampleFolder, "train-labels-idx1-ubyte.gz"));
        s_labels = labels[8..].Select(b => (int)b).ToArray();
        s_inputs = Enumerable.Range(0, s_labels.Length).Select(i => images.AsSpan(16 + (i * 784), 784).ToArray().Select(b => b / 255f).ToArray()).ToArray();
        s_learner = new OnlineLearner(Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 1), LearningAlgorithms.Parse(algorithm));
        s_next = 0;
    }

    /// <summary>Runs <paramref name="steps"/> learn steps and returns each one's time in microseconds.</summary>
    public static double[] Steps(int steps)
    {
        double[] times = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            int index = s_next++ % s_inputs.Length;
            long start = Stopwatch.GetTimestamp();
            s_learner!.LearnClass(s_inputs[index], s_labels[index]);
            times[k] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        return times;
    }

    private static byte[] ReadGzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
