using System.IO.Compression;

namespace EdgeIL.Benchmarks;

/// <summary>
/// The repository's MNIST sample (samples/mnist: the first 5,000 training images), copied beside the
/// benchmarks, scaled to [0, 1]. A learn step's cost depends on how many hidden units the data switches
/// on, which synthetic inputs get wrong: on 64 repeated random vectors the first hidden layer of
/// 784-500-500-10 fell from 47 % to 17 % active within 3,000 steps, where MNIST keeps 39-49 %.
/// </summary>
internal static class MnistSample
{
    public static (float[][] Images, int[] Labels) Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "mnist-sample");
        byte[] images = ReadGzip(Path.Combine(folder, "train-images-idx3-ubyte.gz"));
        byte[] labels = ReadGzip(Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        int count = (labels[4] << 24) | (labels[5] << 16) | (labels[6] << 8) | labels[7];
        const int Pixels = 28 * 28;
        var x = new float[count][];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = new float[Pixels];
            for (int j = 0; j < Pixels; j++)
            {
                x[i][j] = images[16 + (i * Pixels) + j] / 255f;
            }

            y[i] = labels[8 + i];
        }

        return (x, y);
    }

    private static byte[] ReadGzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}
