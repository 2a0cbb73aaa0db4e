using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>
/// Reads a device recording (<c>.eilrec</c>) as train and test sets, so a stream a board captured
/// replays on the desktop exactly like a dataset. A labelled recording keeps the frames that had a
/// target (the device learned only from those); an unlabelled one keeps every frame, for
/// autoencoders. As with CSV logs, the end of the recording is held out.
/// </summary>
public static class RecordingSplit
{
    /// <summary>The file name extension of device recordings.</summary>
    public const string Extension = ".eilrec";

    /// <summary>Loads <paramref name="path"/>, holding out the last <paramref name="testFraction"/> of its frames.</summary>
    public static TrainTestData Load(string path, double testFraction)
    {
        if (testFraction is not (> 0 and < 1))
        {
            throw new ArgumentException($"--test-fraction {testFraction}: must be between 0 and 1 (exclusive).");
        }

        string name = Path.GetFileNameWithoutExtension(path);
        using RecordingReader reader = RecordingReader.Open(path);
        bool labelled = reader.ClassCount > 0;
        var features = new List<float>();
        var labels = new List<int>();
        float[] frame = new float[reader.FeatureCount];
        while (reader.TryRead(frame, out int label))
        {
            if (labelled && label < 0)
            {
                continue;
            }

            features.AddRange(frame);
            labels.Add(label);
        }

        int count = labels.Count;
        int testCount = (int)Math.Round(count * testFraction);
        if (testCount < 1 || testCount >= count)
        {
            throw new DataFormatException($"{path}: {count} {(labelled ? "labelled " : string.Empty)}frames are too few to hold out {testFraction:P0} for testing.");
        }

        int width = reader.FeatureCount;
        float[] all = [.. features];
        int[] allLabels = [.. labels];
        LabeledDataset Part(int start, int length, string part) => new(
            $"{name}/{part}",
            width,
            all[(start * width)..((start + length) * width)],
            labelled ? allLabels[start..(start + length)] : null,
            labelled ? reader.ClassCount : 0);
        DataKind kind = reader.Element == RecordingElement.UInt8 ? DataKind.Pixels : DataKind.Sensor;
        return new TrainTestData(name, Part(0, count - testCount, "train"), Part(count - testCount, testCount, "test"), kind);
    }
}
