using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace EdgeIL.Learner.Checkpoints;

/// <summary>
/// Reads a checkpoint: first the frame (magic, length, checksum, version), then every section,
/// checking each value against the others, and only then builds the learner, so a bad file yields
/// a <see cref="CheckpointFormatException"/> and no object at all.
/// </summary>
internal static class CheckpointDecoder
{
    private const int ChunkLength = 64 * 1024;

    private static readonly uint[] s_knownTags =
    [
        CheckpointFormat.ArchitectureTag, CheckpointFormat.InputStageTag, CheckpointFormat.AlgorithmTag, CheckpointFormat.HyperparametersTag,
        CheckpointFormat.ParametersTag, CheckpointFormat.AdamTag, CheckpointFormat.ProgressTag, CheckpointFormat.ReplayTag,
    ];

    /// <summary>Reads one checkpoint from the current position of <paramref name="source"/>, leaving it just past the checkpoint's last byte.</summary>
    /// <param name="source">The stream.</param>
    /// <param name="filePath">The file the stream reads, for the error messages; null for a plain stream.</param>
    public static OnlineLearner Load(Stream source, string? filePath)
    {
        byte[] data = ReadFrame(source, filePath);
        return Decode(data, filePath);
    }

    /// <summary>Reads the checkpoint's bytes and checks the frame, which is the same in every format version.</summary>
    private static byte[] ReadFrame(Stream source, string? filePath)
    {
        Span<byte> header = stackalloc byte[CheckpointFormat.HeaderLength];
        int headerRead = source.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        ReadOnlySpan<byte> magic = CheckpointFormat.Magic;
        int magicRead = Math.Min(headerRead, magic.Length);
        if (!header[..magicRead].SequenceEqual(magic[..magicRead]))
        {
            throw Fail(filePath, $"not an EdgeIL checkpoint: wrong magic number (found {Convert.ToHexString(header[..magicRead])}, expected {Convert.ToHexString(magic)})");
        }

        if (headerRead < header.Length)
        {
            throw Fail(filePath, $"truncated: expected a {header.Length}-byte header, found {headerRead} bytes");
        }

        // The version is checked only after the checksum, so that a flipped bit in it reads as
        // corruption rather than as a file from the future.
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[magic.Length..]);
        ulong declaredLength = BinaryPrimitives.ReadUInt64LittleEndian(header[(magic.Length + sizeof(uint))..]);
        if (declaredLength < CheckpointFormat.MinimumLength)
        {
            throw Fail(filePath, $"corrupted: the header declares a length of {declaredLength} bytes, less than the {CheckpointFormat.MinimumLength} of an empty checkpoint");
        }

        if (declaredLength > (ulong)CheckpointFormat.MaximumLength)
        {
            throw Fail(filePath, $"corrupted: the header declares a length of {declaredLength} bytes, more than the {CheckpointFormat.MaximumLength} a checkpoint can have");
        }

        int length = (int)declaredLength;
        byte[] data = ReadRest(source, header, length, filePath);
        int checksumOffset = length - CheckpointFormat.ChecksumLength;
        uint expectedChecksum = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(checksumOffset));
        uint actualChecksum = Crc32.HashToUInt32(data.AsSpan(0, checksumOffset));
        if (expectedChecksum != actualChecksum)
        {
            throw Fail(filePath, $"checksum mismatch: file is corrupted (stored CRC-32 {expectedChecksum:X8}, computed {actualChecksum:X8})");
        }

        if (version == 0)
        {
            throw Fail(filePath, "format version 0 is not valid");
        }

        if (version > CheckpointFormat.CurrentVersion)
        {
            throw Fail(filePath, $"format version {version} is newer than this EdgeIL reads ({CheckpointFormat.CurrentVersion}); update EdgeIL to load it");
        }

        return data;
    }

    /// <summary>
    /// Reads the bytes after the header. The declared length is not trusted with an allocation: a
    /// seekable stream must hold that many bytes first, and any other stream is read in chunks, so
    /// memory grows only with bytes that really arrive.
    /// </summary>
    private static byte[] ReadRest(Stream source, ReadOnlySpan<byte> header, int length, string? filePath)
    {
        int wanted = length - header.Length;
        if (source.CanSeek)
        {
            long available = Math.Max(0, source.Length - source.Position);
            if (available < wanted)
            {
                throw Truncated(filePath, length, header.Length + available);
            }

            byte[] data = new byte[length];
            header.CopyTo(data);
            int read = source.ReadAtLeast(data.AsSpan(header.Length), wanted, throwOnEndOfStream: false);
            return read == wanted ? data : throw Truncated(filePath, length, header.Length + read);
        }

        using var collected = new MemoryStream();
        collected.Write(header);
        byte[] chunk = new byte[Math.Min(ChunkLength, wanted)];
        while (collected.Length < length)
        {
            int read = source.Read(chunk, 0, (int)Math.Min(chunk.Length, length - collected.Length));
            if (read == 0)
            {
                throw Truncated(filePath, length, collected.Length);
            }

            collected.Write(chunk, 0, read);
        }

        return collected.ToArray();
    }

    private static OnlineLearner Decode(byte[] data, string? filePath)
    {
        Dictionary<uint, SectionRange> sections = IndexSections(data, filePath);
        (int[] sizes, OutputHead head) = ReadArchitecture(Required(CheckpointFormat.ArchitectureTag), filePath);
        InputStageState inputStage = ReadInputStage(Required(CheckpointFormat.InputStageTag), sizes[0], filePath);
        LearningAlgorithm algorithm = ReadAlgorithm(Required(CheckpointFormat.AlgorithmTag), filePath);
        Hyperparameters hyperparameters = ReadHyperparameters(Required(CheckpointFormat.HyperparametersTag), algorithm, head, filePath);
        (float[][] weights, float[][] biases) = ReadParameters(Required(CheckpointFormat.ParametersTag), sizes, filePath);
        bool hasAdam = sections.TryGetValue(CheckpointFormat.AdamTag, out SectionRange adamRange);
        AdamMoments? adam = null;
        if (algorithm.UsesAdam())
        {
            adam = hasAdam
                ? ReadAdam(data.AsSpan(adamRange.Offset, adamRange.Length), sizes, filePath)
                : throw Fail(filePath, $"section ADAM is missing; {algorithm.Name()} needs Adam's state to continue training");
        }
        else if (hasAdam)
        {
            throw Fail(filePath, $"section ADAM is present, but {algorithm.Name()} does not use Adam");
        }

        long samplesSeen = ReadProgress(Required(CheckpointFormat.ProgressTag), filePath);
        ReplayState? replay = sections.TryGetValue(CheckpointFormat.ReplayTag, out SectionRange replayRange)
            ? ReadReplay(data.AsSpan(replayRange.Offset, replayRange.Length), sizes, filePath)
            : null;

        // Everything is known good; only now are objects built.
        var model = new Mlp(sizes, head);
        for (int n = 0; n < model.LayerCount; n++)
        {
            model.SetWeights(n, weights[n]);
            model.SetBiases(n, biases[n]);
        }

        if (inputStage.Scaling == InputScaling.Fixed)
        {
            model.Input.SetFixed(inputStage.Offset, inputStage.Scale);
        }
        else
        {
            model.Input.RestoreStandardization(
                inputStage.Count, inputStage.Mean, inputStage.SquaredDeviations, inputStage.Offset, inputStage.Scale, inputStage.Frozen);
        }

        var learner = new OnlineLearner(model, algorithm, hyperparameters) { SamplesSeen = samplesSeen };
        if (replay is not null)
        {
            var memory = new ReplayMemory(replay.Capacity, replay.ReplaysPerStep, sizes[0], sizes[^1], replay.Random);
            memory.Restore(replay.Inputs, replay.Targets, replay.Count, replay.Offered, replay.Random);
            learner.Replay = memory;
        }

        if (adam is not null)
        {
            AdamState state = learner.Adam!;
            state.Step = adam.Step;
            for (int n = 0; n < model.LayerCount; n++)
            {
                adam.FirstMomentWeights[n].CopyTo(state.FirstMomentWeights[n], 0);
                adam.SecondMomentWeights[n].CopyTo(state.SecondMomentWeights[n], 0);
                adam.FirstMomentBiases[n].CopyTo(state.FirstMomentBiases[n], 0);
                adam.SecondMomentBiases[n].CopyTo(state.SecondMomentBiases[n], 0);
            }
        }

        return learner;

        ReadOnlySpan<byte> Required(uint tag) =>
            sections.TryGetValue(tag, out SectionRange range)
                ? data.AsSpan(range.Offset, range.Length)
                : throw Fail(filePath, $"section {CheckpointFormat.TagName(tag)} is missing");
    }

    /// <summary>
    /// Finds every section between the header and the checksum. Order does not matter; a repeated
    /// section or an unknown required one is an error, an unknown skippable one is passed over.
    /// </summary>
    private static Dictionary<uint, SectionRange> IndexSections(byte[] data, string? filePath)
    {
        var sections = new Dictionary<uint, SectionRange>();
        int position = CheckpointFormat.HeaderLength;
        int end = data.Length - CheckpointFormat.ChecksumLength;
        while (position < end)
        {
            if (end - position < CheckpointFormat.SectionHeaderLength)
            {
                throw Fail(filePath, $"truncated: expected an {CheckpointFormat.SectionHeaderLength}-byte section header at byte {position}, found {end - position} bytes before the checksum");
            }

            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(position));
            uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(position + sizeof(uint)));
            int payloadStart = position + CheckpointFormat.SectionHeaderLength;
            string name = CheckpointFormat.TagName(tag);
            if (payloadLength > (uint)(end - payloadStart))
            {
                throw Fail(filePath, $"truncated: section {name} at byte {position} declares {payloadLength} bytes, found {end - payloadStart} before the checksum");
            }

            if (!s_knownTags.Contains(tag))
            {
                if (!CheckpointFormat.IsSkippable(tag))
                {
                    throw Fail(filePath, $"unknown required section {name} at byte {position} (written by a newer EdgeIL?)");
                }
            }
            else if (!sections.TryAdd(tag, new SectionRange(payloadStart, (int)payloadLength)))
            {
                throw Fail(filePath, $"section {name} appears twice");
            }

            position = payloadStart + (int)payloadLength;
        }

        return sections;
    }

    private static (int[] Sizes, OutputHead Head) ReadArchitecture(ReadOnlySpan<byte> payload, string? filePath)
    {
        var reader = new SectionReader(payload, "ARCH", filePath);
        uint count = reader.ReadUInt32("the number of layer sizes");
        if (count is < 2 or > LearnerLimits.MaximumHiddenLayers + 2)
        {
            throw Fail(filePath, $"section ARCH: {count} layer sizes; a network has 2..{LearnerLimits.MaximumHiddenLayers + 2}");
        }

        int[] sizes = new int[count];
        for (int i = 0; i < sizes.Length; i++)
        {
            uint size = reader.ReadUInt32($"layer size {i}");
            sizes[i] = (int)Math.Min(size, int.MaxValue);
        }

        if (LearnerLimits.LayerSizesProblem(sizes) is { } problem)
        {
            throw Fail(filePath, $"section ARCH: {problem}");
        }

        string headName = reader.ReadShortString("the output head");
        reader.RequireEnd();
        return CheckpointFormat.TryParseHead(headName, out OutputHead head)
            ? (sizes, head)
            : throw Fail(filePath, $"section ARCH: unknown output head '{headName}' (known: softmax, sigmoid, identity)");
    }

    private static InputStageState ReadInputStage(ReadOnlySpan<byte> payload, int features, string? filePath)
    {
        var reader = new SectionReader(payload, "INPT", filePath);
        string name = reader.ReadShortString("the input scaling mode");
        if (!CheckpointFormat.TryParseScaling(name, out InputScaling scaling))
        {
            throw Fail(filePath, $"section INPT: unknown input scaling '{name}' (known: fixed, standardize)");
        }

        long expected = CheckpointEncoder.InputStageValuesLength(scaling, features);
        if (reader.Remaining != expected)
        {
            throw Fail(filePath, $"section INPT has {reader.Remaining} bytes of {name} values; {features} input features need {expected}");
        }

        var state = new InputStageState { Scaling = scaling };
        if (scaling == InputScaling.Standardize)
        {
            byte frozen = reader.ReadByte("the frozen flag");
            state.Frozen = frozen switch
            {
                0 => false,
                1 => true,
                _ => throw Fail(filePath, $"section INPT: frozen flag is {frozen}, not 0 or 1"),
            };
            state.Count = reader.ReadInt64("the observed sample count");
            if (state.Count is < 0 or > LearnerLimits.MaximumSampleCount)
            {
                throw Fail(filePath, $"section INPT: observed sample count {state.Count} is outside 0..{LearnerLimits.MaximumSampleCount}");
            }
        }

        state.Offset = reader.ReadFiniteSingles(features, "input offsets");
        state.Scale = reader.ReadFiniteSingles(features, "input scales");
        int zero = Array.IndexOf(state.Scale, 0f);
        if (zero >= 0)
        {
            throw Fail(filePath, $"section INPT: input scales[{zero}] is 0");
        }

        if (scaling == InputScaling.Standardize)
        {
            state.Mean = reader.ReadFiniteDoubles(features, "input running means");
            state.SquaredDeviations = reader.ReadFiniteDoubles(features, "input running squared deviations");
            int negative = Array.FindIndex(state.SquaredDeviations, v => v < 0);
            if (negative >= 0)
            {
                throw Fail(filePath, $"section INPT: input running squared deviations[{negative}] is {state.SquaredDeviations[negative]}, but sums of squares are >= 0");
            }
        }

        return state;
    }

    private static LearningAlgorithm ReadAlgorithm(ReadOnlySpan<byte> payload, string? filePath)
    {
        var reader = new SectionReader(payload, "ALGO", filePath);
        string name = reader.ReadShortString("the algorithm name");
        reader.RequireEnd();

        // Exact match only: Parse forgives case and spaces, a file must not.
        return LearningAlgorithms.TryParse(name, out LearningAlgorithm algorithm) && algorithm.Name() == name
            ? algorithm
            : throw Fail(filePath, $"section ALGO: unknown learning algorithm '{name}' (known: {string.Join(", ", LearningAlgorithms.Names)})");
    }

    /// <summary>
    /// Mirrors <c>CheckpointEncoder.WriteHyperparameters</c>. A section without the last setting
    /// (written before it existed) is read too; see FORMAT.md for the value it then takes.
    /// </summary>
    private static Hyperparameters ReadHyperparameters(ReadOnlySpan<byte> payload, LearningAlgorithm algorithm, OutputHead head, string? filePath)
    {
        if (payload.Length != sizeof(float) * CheckpointFormat.HyperparameterCount && payload.Length != sizeof(float) * CheckpointFormat.FirstHyperparameterCount)
        {
            throw Fail(filePath, $"section HYPR has {payload.Length} bytes; this EdgeIL knows {CheckpointFormat.HyperparameterCount} settings ({sizeof(float) * CheckpointFormat.HyperparameterCount} bytes, or {sizeof(float) * CheckpointFormat.FirstHyperparameterCount} from before the balance interval)");
        }

        var reader = new SectionReader(payload, "HYPR", filePath);
        var hyperparameters = new Hyperparameters
        {
            Alpha = reader.ReadSingle("Alpha"),
            LearningRate = reader.ReadSingle("LearningRate"),
            Iterations = reader.ReadInt32("Iterations"),
            GammaBottom = reader.ReadSingle("GammaBottom"),
            GammaTop = reader.ReadSingle("GammaTop"),
            GammaDecay = reader.ReadSingle("GammaDecay"),
            Epsilon = reader.ReadSingle("Epsilon"),
            TargetMix = reader.ReadSingle("TargetMix"),
            AdamBeta1 = reader.ReadSingle("AdamBeta1"),
            AdamBeta2 = reader.ReadSingle("AdamBeta2"),
            AdamEpsilon = reader.ReadSingle("AdamEpsilon"),

            // An older checkpoint of a model without a softmax head (an autoencoder, most likely)
            // takes the reconstruction default rather than 0, the setting's "old behaviour":
            // without it a resumed IL-prox autoencoder collapses on a long stream (FORMAT.md).
            BalanceInterval = reader.Remaining > 0
                ? reader.ReadInt32("BalanceInterval")
                : (head == OutputHead.Softmax ? Hyperparameters.For(algorithm) : Hyperparameters.ForReconstruction(algorithm)).BalanceInterval,
        };
        try
        {
            hyperparameters.Validate();
        }
        catch (ArgumentException e)
        {
            throw Fail(filePath, $"section HYPR: {e.Message}", e);
        }

        return hyperparameters;
    }

    private static (float[][] Weights, float[][] Biases) ReadParameters(ReadOnlySpan<byte> payload, int[] sizes, string? filePath)
    {
        // Checked against the section's length before any array exists, so a corrupt size cannot
        // ask for more memory than the file itself occupies.
        long expected = sizeof(float) * Mlp.CountParameters(sizes);
        if (payload.Length != expected)
        {
            throw Fail(filePath, $"section PARM has {payload.Length} bytes; the architecture needs {expected}");
        }

        var reader = new SectionReader(payload, "PARM", filePath);
        int layers = sizes.Length - 1;
        float[][] weights = new float[layers][];
        float[][] biases = new float[layers][];
        for (int n = 0; n < layers; n++)
        {
            weights[n] = reader.ReadWeights(sizes[n + 1] * sizes[n], $"layer {n} weights");
            biases[n] = reader.ReadWeights(sizes[n + 1], $"layer {n} biases");
        }

        return (weights, biases);
    }

    private static AdamMoments ReadAdam(ReadOnlySpan<byte> payload, int[] sizes, string? filePath)
    {
        long expected = sizeof(long) + (2L * sizeof(float) * Mlp.CountParameters(sizes));
        if (payload.Length != expected)
        {
            throw Fail(filePath, $"section ADAM has {payload.Length} bytes; the architecture needs {expected}");
        }

        var reader = new SectionReader(payload, "ADAM", filePath);
        long step = reader.ReadInt64("Adam's step count");
        if (step is < 0 or > LearnerLimits.MaximumSampleCount)
        {
            throw Fail(filePath, $"section ADAM: step count {step} is outside 0..{LearnerLimits.MaximumSampleCount}");
        }

        int layers = sizes.Length - 1;
        var moments = new AdamMoments(step, layers);
        for (int n = 0; n < layers; n++)
        {
            int weightCount = sizes[n + 1] * sizes[n];
            moments.FirstMomentWeights[n] = reader.ReadFiniteSingles(weightCount, $"Adam's first moments of layer {n} weights");
            moments.SecondMomentWeights[n] = reader.ReadSecondMoments(weightCount, $"Adam's second moments of layer {n} weights");
            moments.FirstMomentBiases[n] = reader.ReadFiniteSingles(sizes[n + 1], $"Adam's first moments of layer {n} biases");
            moments.SecondMomentBiases[n] = reader.ReadSecondMoments(sizes[n + 1], $"Adam's second moments of layer {n} biases");
        }

        return moments;
    }

    private static ReplayState ReadReplay(ReadOnlySpan<byte> payload, int[] sizes, string? filePath)
    {
        var reader = new SectionReader(payload, "RPLY", filePath);
        int capacity = reader.ReadInt32("the replay capacity");
        int perStep = reader.ReadInt32("the replays per step");
        if (LearnerLimits.CheckReplay(capacity, perStep, sizes[0], sizes[^1]) is { } problem)
        {
            throw Fail(filePath, $"section RPLY: {problem}");
        }

        int count = reader.ReadInt32("the replay count");
        long offered = reader.ReadInt64("the samples offered");

        // A reservoir holds every sample offered until it is full, and is full from then on.
        if (count < 0 || count > capacity || offered < count || offered > LearnerLimits.MaximumSampleCount || (count < capacity && offered != count))
        {
            throw Fail(filePath, $"section RPLY: {count} samples held of {offered} offered does not fit a reservoir of {capacity}");
        }

        ulong random = (ulong)reader.ReadInt64("the generator state");
        float[] inputs = reader.ReadFiniteSingles(count * sizes[0], "the replayed inputs");
        float[] targets = reader.ReadFiniteSingles(count * sizes[^1], "the replayed targets");
        reader.RequireEnd();
        return new ReplayState(capacity, perStep, count, offered, random, inputs, targets);
    }

    private static long ReadProgress(ReadOnlySpan<byte> payload, string? filePath)
    {
        var reader = new SectionReader(payload, "PROG", filePath);
        long samplesSeen = reader.ReadInt64("samples seen");
        reader.RequireEnd();
        return samplesSeen is >= 0 and <= LearnerLimits.MaximumSampleCount
            ? samplesSeen
            : throw Fail(filePath, $"section PROG: samples seen {samplesSeen} is outside 0..{LearnerLimits.MaximumSampleCount}");
    }

    private static CheckpointFormatException Truncated(string? filePath, int expected, long found) =>
        Fail(filePath, $"truncated: the header declares {expected} bytes, found {found}");

    private static CheckpointFormatException Fail(string? filePath, string problem, Exception? innerException = null) =>
        new(filePath, problem, innerException);

    private sealed record ReplayState(int Capacity, int ReplaysPerStep, int Count, long Offered, ulong Random, float[] Inputs, float[] Targets);

    private readonly record struct SectionRange(int Offset, int Length);

    private sealed class InputStageState
    {
        public InputScaling Scaling { get; init; }

        public bool Frozen { get; set; }

        public long Count { get; set; }

        public float[] Offset { get; set; } = [];

        public float[] Scale { get; set; } = [];

        public double[] Mean { get; set; } = [];

        public double[] SquaredDeviations { get; set; } = [];
    }

    private sealed class AdamMoments(long step, int layers)
    {
        public long Step { get; } = step;

        public float[][] FirstMomentWeights { get; } = new float[layers][];

        public float[][] SecondMomentWeights { get; } = new float[layers][];

        public float[][] FirstMomentBiases { get; } = new float[layers][];

        public float[][] SecondMomentBiases { get; } = new float[layers][];
    }

    /// <summary>Reads one section's payload front to back; running past its end is reported as a truncated section.</summary>
    private ref struct SectionReader(ReadOnlySpan<byte> payload, string section, string? filePath)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private int _position;

        public readonly int Remaining => _payload.Length - _position;

        public byte ReadByte(string what) => Take(1, what)[0];

        public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(sizeof(uint), what));

        public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int), what));

        public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long), what));

        public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(sizeof(float), what));

        public string ReadShortString(string what)
        {
            int length = Take(1, $"the length of {what}")[0];
            ReadOnlySpan<byte> bytes = Take(length, what);
            foreach (byte b in bytes)
            {
                if (b is < 0x20 or > 0x7E)
                {
                    throw Fail(filePath, $"section {section}: {what} is not printable ASCII");
                }
            }

            return Encoding.ASCII.GetString(bytes);
        }

        public float[] ReadFiniteSingles(int count, string what)
        {
            float[] values = ReadSingles(count, what);
            int bad = IndexOfNonFinite(values);
            return bad < 0 ? values : throw Fail(filePath, $"section {section}: {what}[{bad}] is {values[bad]}, not a finite number");
        }

        public double[] ReadFiniteDoubles(int count, string what)
        {
            ReadOnlySpan<byte> bytes = Take(checked(count * sizeof(double)), what);
            double[] values = new double[count];
            if (BitConverter.IsLittleEndian)
            {
                bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * sizeof(double))..]);
                }
            }

            int bad = Array.FindIndex(values, v => !double.IsFinite(v));
            return bad < 0 ? values : throw Fail(filePath, $"section {section}: {what}[{bad}] is {values[bad]}, not a finite number");
        }

        /// <summary>
        /// A weight or bias the learner's guard could have produced: finite and below
        /// <see cref="OnlineLearner.WeightMagnitudeLimit"/>. A larger one would make every later step be refused.
        /// </summary>
        public float[] ReadWeights(int count, string what)
        {
            float[] values = ReadFiniteSingles(count, what);
            int bad = Array.FindIndex(values, v => Math.Abs(v) >= OnlineLearner.WeightMagnitudeLimit);
            return bad < 0
                ? values
                : throw Fail(filePath, $"section {section}: {what}[{bad}] is {values[bad]}; the learner keeps every weight below {LearnerLimits.Format(OnlineLearner.WeightMagnitudeLimit)} in magnitude");
        }

        /// <summary>Second moments are running means of squares, so a negative one can only be damage.</summary>
        public float[] ReadSecondMoments(int count, string what)
        {
            float[] values = ReadFiniteSingles(count, what);
            int bad = Array.FindIndex(values, v => v < 0);
            return bad < 0 ? values : throw Fail(filePath, $"section {section}: {what}[{bad}] is {values[bad]}, but second moments are >= 0");
        }

        public readonly void RequireEnd()
        {
            if (_position != _payload.Length)
            {
                throw Fail(filePath, $"section {section} has {_payload.Length - _position} unexpected bytes after its last field");
            }
        }

        private float[] ReadSingles(int count, string what)
        {
            ReadOnlySpan<byte> bytes = Take(checked(count * sizeof(float)), what);
            float[] values = new float[count];
            if (BitConverter.IsLittleEndian)
            {
                // Copying bytes into the float array's memory sidesteps any alignment question about the source.
                bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
                }
            }

            return values;
        }

        private ReadOnlySpan<byte> Take(int count, string what)
        {
            int remaining = _payload.Length - _position;
            if (count > remaining)
            {
                throw Fail(filePath, $"truncated: expected {count} bytes of {what} in section {section}, found {remaining}");
            }

            ReadOnlySpan<byte> bytes = _payload.Slice(_position, count);
            _position += count;
            return bytes;
        }

        private static int IndexOfNonFinite(float[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
