using EdgeIL.Device.Streams;

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
        // The product's reader, so that a damaged copy fails with the file and offset named.
        string folder = Path.Combine(AppContext.BaseDirectory, "mnist-sample");
        IdxImages images = IdxReader.ReadImages(Path.Combine(folder, "train-images-idx3-ubyte.gz"));
        byte[] labels = IdxReader.ReadLabels(Path.Combine(folder, "train-labels-idx1-ubyte.gz"));
        if (labels.Length != images.Count)
        {
            throw new InvalidDataException($"{folder}: {images.Count} images but {labels.Length} labels.");
        }

        var x = new float[images.Count][];
        for (int i = 0; i < images.Count; i++)
        {
            x[i] = new float[images.PixelsPerImage];
            ReadOnlySpan<byte> image = images.GetImage(i);
            for (int j = 0; j < image.Length; j++)
            {
                x[i][j] = image[j] / 255f;
            }
        }

        return (x, [.. labels.Select(label => (int)label)]);
    }
}
