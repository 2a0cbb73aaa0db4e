using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using EdgeIL.Device.Configuration;
using EdgeIL.Device.Streams;
using EdgeIL.Device.Streams.Tests;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;
using Xunit.Abstractions;

namespace EdgeIL.Device.Tests.Fuzz;

/// <summary>
/// A deterministic fuzz corpus (issue 10, 7a): 2,000 mutations of seed inputs per format, each of which
/// must end in a clean refusal (the format's own exception, with a message) or a valid result, within
/// a time and an allocation bound. A failure names the format and the mutation's index, which is all
/// it takes to reproduce it.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int InputsPerFormat = 2000;

    // Far above what any of these small inputs needs; a parser that trusts a corrupt length or count
    // blows through them.
    private const long AllocationLimitBytes = 64L << 20;
    private static readonly TimeSpan s_timeLimit = TimeSpan.FromSeconds(5);

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Checkpoint_MutatedFiles_RefusedCleanlyOrLoaded()
    {
        byte[][] seeds = [.. new[] { LearningAlgorithm.ILProx, LearningAlgorithm.BPAdam, LearningAlgorithm.ILSgd }.Select(CheckpointSeed)];
        Run(
            "checkpoint",
            typeof(CheckpointFormatException),
            index =>
            {
                byte[] bytes = Mutator.Mutate(seeds[index % seeds.Length], index);

                // Half the inputs get a fixed-up length and CRC, so the mutations reach the checks behind them.
                return index % 2 == 0 ? WithCheckpointFrame(bytes) : bytes;
            },
            bytes =>
            {
                OnlineLearner learner = Checkpoint.Load(new MemoryStream(bytes, writable: false));
                float[] input = new float[learner.Model.InputSize];
                learner.Learn(input, new float[learner.Model.OutputSize]);
                learner.Model.Predict(input, new float[learner.Model.OutputSize]);
            });
    }

    [Fact]
    public void Onnx_MutatedExports_RefusedCleanlyOrImported()
    {
        byte[][] seeds = [OnnxSeed(OutputHead.Softmax, standardize: true), OnnxSeed(OutputHead.Sigmoid, standardize: false), OnnxSeed(OutputHead.Identity, standardize: false)];
        Run(
            "onnx",
            typeof(OnnxFormatException),
            index => Mutator.Mutate(seeds[index % seeds.Length], index),
            bytes =>
            {
                OnnxImportedModel imported = OnnxImport.Read(bytes);
                OnlineLearner learner = imported.CreateLearner();
                learner.Model.Predict(new float[learner.Model.InputSize], new float[learner.Model.OutputSize]);
            });
    }

    [Fact]
    public void Csv_MutatedLogs_RefusedCleanlyOrRead()
    {
        byte[] seed = Encoding.UTF8.GetBytes(CsvSeed());
        string path = _directory.File("log.csv");
        Run(
            "csv",
            typeof(DataFormatException),
            index => Mutator.Mutate(seed, index, text: true),
            bytes =>
            {
                File.WriteAllBytes(path, bytes);
                LabeledDataset dataset = CsvDataset.Read(path).Dataset;
                Assert.InRange(dataset.ClassCount, 0, CsvDataset.MaxUndeclaredClassCount);
            });
    }

    [Fact]
    public void Idx_MutatedImageAndLabelFiles_RefusedCleanlyOrRead()
    {
        byte[] images = IdxBytes.Images(6, 4, 4, 96);
        byte[] labels = IdxBytes.Labels(0, 1, 2, 9, 4, 5);
        string imagesPath = _directory.File("images");
        string labelsPath = _directory.File("labels");
        Run(
            "idx",
            typeof(DataFormatException),
            index => Mutator.Mutate(index % 2 == 0 ? images : labels, index),
            (bytes, index) =>
            {
                bool gzip = index % 4 < 2;
                IdxBytes.Write(imagesPath, index % 2 == 0 ? bytes : images, gzip);
                IdxBytes.Write(labelsPath, index % 2 == 0 ? labels : bytes, gzip);
                LabeledDataset dataset = IdxDataset.Load(imagesPath, labelsPath, "fuzz");
                Assert.Equal(IdxDataset.MnistClassCount, dataset.ClassCount);
            });
    }

    [Fact]
    public void Recording_MutatedFiles_RefusedCleanlyOrReplayed()
    {
        byte[][] seeds = [RecordingSeed(RecordingElement.Float32), RecordingSeed(RecordingElement.UInt8)];
        string path = _directory.File("r.eilrec");
        Run(
            "eilrec",
            typeof(DataFormatException),
            index =>
            {
                byte[] bytes = Mutator.Mutate(seeds[index % seeds.Length], index);
                return index % 4 < 2 ? WithRecordingChecksums(bytes) : bytes;
            },
            bytes =>
            {
                File.WriteAllBytes(path, bytes);
                using RecordingReader reader = RecordingReader.Open(path);
                float[] features = new float[reader.RecordCount > 0 ? reader.FeatureCount : 0];
                long read = 0;
                while (reader.TryReadRecord(features, out _))
                {
                    read++;
                }

                Assert.Equal(reader.RecordCount, read);
            });
    }

    [Fact]
    public void DeviceConfiguration_MutatedFiles_RefusedCleanlyOrValid()
    {
        string folder = Path.Combine(RepositoryRoot.Find(), "firmware-config");
        byte[][] seeds = [.. Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        Assert.NotEmpty(seeds);
        Run(
            "device configuration",
            typeof(ConfigurationException),
            index => Mutator.Mutate(seeds[index % seeds.Length], index, text: true),
            bytes => DeviceConfigurationFile.Parse(bytes, "fuzz.json"));
    }

    private void Run(string format, Type refusal, Func<int, byte[]> input, Action<byte[]> consume) =>
        Run(format, refusal, input, (bytes, _) => consume(bytes));

    private void Run(string format, Type refusal, Func<int, byte[]> input, Action<byte[], int> consume)
    {
        var failures = new List<string>();
        int refused = 0, valid = 0;
        long slowestTicks = 0, largestAllocation = 0;
        for (int index = 0; index < InputsPerFormat; index++)
        {
            byte[] bytes = input(index);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            try
            {
                consume(bytes, index);
                valid++;
            }
            catch (Exception exception) when (exception.GetType() == refusal && !string.IsNullOrWhiteSpace(exception.Message))
            {
                refused++;
            }
            catch (Exception exception)
            {
                failures.Add($"{format} #{index}: {exception.GetType().Name}: {exception.Message.Split('\n')[0]}");
            }

            TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            slowestTicks = Math.Max(slowestTicks, elapsed.Ticks);
            largestAllocation = Math.Max(largestAllocation, allocated);
            if (elapsed > s_timeLimit || allocated > AllocationLimitBytes)
            {
                failures.Add($"{format} #{index}: took {elapsed.TotalMilliseconds:F0} ms and allocated {allocated >> 20} MB");
            }
        }

        output.WriteLine($"{format}: {InputsPerFormat} inputs, {refused} refused, {valid} valid, {failures.Count} failures; slowest {TimeSpan.FromTicks(slowestTicks).TotalMilliseconds:F1} ms, largest allocation {largestAllocation / 1024} KiB");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

        // Both outcomes must occur, or the mutations are not reaching the parser (or not leaving anything valid).
        Assert.True(refused > 0 && valid > 0, $"{format}: {refused} refused, {valid} valid");
    }

    private static byte[] CheckpointSeed(LearningAlgorithm algorithm)
    {
        Mlp model = Mlp.CreateRandom([6, 5, 3], OutputHead.Softmax, seed: 1);
        if (algorithm == LearningAlgorithm.ILSgd)
        {
            model.Input.StartStandardizing();
        }

        var learner = new OnlineLearner(model, algorithm);
        var random = new Random(2);
        for (int i = 0; i < 5; i++)
        {
            float[] x = [.. Enumerable.Range(0, 6).Select(_ => (float)random.NextDouble())];
            learner.LearnClass(x, i % 3);
        }

        var stream = new MemoryStream();
        Checkpoint.Save(learner, stream);
        return stream.ToArray();
    }

    /// <summary>Rewrites the declared length and the CRC-32 (layout: src/Learner/Checkpoints/FORMAT.md).</summary>
    private static byte[] WithCheckpointFrame(byte[] bytes)
    {
        if (bytes.Length < 24)
        {
            return bytes;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), (ulong)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    private static byte[] OnnxSeed(OutputHead head, bool standardize)
    {
        Mlp model = Mlp.CreateRandom([5, 4, 3], head, seed: 3);
        if (standardize)
        {
            model.Input.StartStandardizing();
            model.Input.Observe([1f, 2f, 3f, 4f, 5f]);
            model.Input.Observe([2f, 1f, 0f, 4f, 6f]);
        }

        return OnnxExport.ToBytes(new OnlineLearner(model, LearningAlgorithm.ILProx) { SamplesSeen = 7 });
    }

    private static string CsvSeed()
    {
        var text = new StringBuilder("temperature_c,accel_x,\"note, quoted\",label\n");
        var random = new Random(4);
        for (int i = 0; i < 12; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{20 + random.NextDouble():F3},{random.NextDouble() - 0.5:E2},{i},{i % 3}\n");
        }

        return text.ToString();
    }

    private byte[] RecordingSeed(RecordingElement element)
    {
        string path = _directory.File($"seed-{element}.eilrec");
        using (var writer = new RecordingWriter(path, 3, 4, element, 30, 1234))
        {
            for (int i = 0; i < 4; i++)
            {
                writer.Write(new RecordedTick(i, i % 4, (i + 1) % 4, 0.5f), [i, 2f * i, 100f]);
            }
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>Recomputes the header's and every whole record's CRC-32, as the writer of the mutated header would have.</summary>
    private static byte[] WithRecordingChecksums(byte[] bytes)
    {
        if (bytes.Length < Recording.HeaderBytes)
        {
            return bytes;
        }

        Span<byte> header = bytes.AsSpan(0, Recording.HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[32..], Crc32.HashToUInt32(header[..32]));
        int features = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        int element = header[10];
        if (features is < 1 or > 1024 || element is not (1 or 4))
        {
            return bytes;
        }

        int record = Recording.RecordBytes(features, (RecordingElement)element);
        for (int start = Recording.HeaderBytes; start + record <= bytes.Length; start += record)
        {
            Span<byte> span = bytes.AsSpan(start, record);
            BinaryPrimitives.WriteUInt32LittleEndian(span[^4..], Crc32.HashToUInt32(span[..^4]));
        }

        return bytes;
    }
}
