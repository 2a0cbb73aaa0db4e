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
        string name = Path.GetFileNameWithoutExtension(path);
        using RecordingReader reader = RecordingReader.Open(path);
        bool labelled = reader.ClassCount > 0;

        // One pass checks every record and picks the frames to keep; the frames themselves stay in the
        // file and are read again on demand, so a recording of any size replays in bounded memory.
        var records = new List<int>();
        var labels = new List<int>();
        float[] frame = new float[reader.FeatureCount];
        for (int record = 0; reader.TryRead(frame, out int label); record++)
        {
            if (labelled && label < 0)
            {
                continue;
            }

            records.Add(record);
            labels.Add(label);
        }

        int count = labels.Count;
        int testCount = HeldOut.Count(path, count, testFraction, labelled ? "labelled frames" : "frames");
        FeatureRows rows = reader.OpenRows(count == reader.RecordCount ? null : [.. records]);
        var all = new LabeledDataset(name, rows, labelled ? [.. labels] : null, labelled ? reader.ClassCount : 0);
        DataKind kind = reader.Element == RecordingElement.UInt8 ? DataKind.Pixels : DataKind.Sensor;
        return new TrainTestData(name, all.Slice(0, count - testCount, $"{name}/train"), all.Slice(count - testCount, testCount, $"{name}/test"), kind) { Order = StreamOrder.File };
    }
}
