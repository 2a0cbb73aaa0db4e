namespace EdgeIL.Learner.Checkpoints;

/// <summary>The constants of the checkpoint format; FORMAT.md describes the layout they make up.</summary>
internal static class CheckpointFormat
{
    /// <summary>The format version this EdgeIL writes and the newest it reads.</summary>
    public const uint CurrentVersion = 1;

    /// <summary>Magic (8), format version (4), total length (8).</summary>
    public const int HeaderLength = 20;

    /// <summary>Tag (4) and payload length (4).</summary>
    public const int SectionHeaderLength = 8;

    /// <summary>The CRC-32 trailer.</summary>
    public const int ChecksumLength = 4;

    /// <summary>A header and a checksum with no section between them.</summary>
    public const int MinimumLength = HeaderLength + ChecksumLength;

    /// <summary>
    /// The largest checkpoint a reader accepts: it is loaded into one byte array, so this is the
    /// largest array .NET allows, not a judgement about the size of a sensible network.
    /// </summary>
    public static long MaximumLength => Array.MaxLength;

    /// <summary>The settings of <see cref="Hyperparameters"/>, each 4 bytes, in the order FORMAT.md gives.</summary>
    public const int HyperparameterCount = 12;

    /// <summary>The settings a checkpoint written before <see cref="Hyperparameters.BalanceInterval"/> existed holds.</summary>
    public const int FirstHyperparameterCount = 11;

    public const uint ArchitectureTag = 'A' | ('R' << 8) | ('C' << 16) | ('H' << 24);

    public const uint InputStageTag = 'I' | ('N' << 8) | ('P' << 16) | ('T' << 24);

    public const uint AlgorithmTag = 'A' | ('L' << 8) | ('G' << 16) | ('O' << 24);

    public const uint HyperparametersTag = 'H' | ('Y' << 8) | ('P' << 16) | ('R' << 24);

    public const uint ParametersTag = 'P' | ('A' << 8) | ('R' << 16) | ('M' << 24);

    public const uint AdamTag = 'A' | ('D' << 8) | ('A' << 16) | ('M' << 24);

    public const uint ProgressTag = 'P' | ('R' << 8) | ('O' << 16) | ('G' << 24);

    /// <summary>The replay memory (optional; upper case because it changes what training does).</summary>
    public const uint ReplayTag = 'R' | ('P' << 8) | ('L' << 16) | ('Y' << 24);

    /// <summary>The fixed part of <c>RPLY</c>: capacity, replays per step, count (i32 each), offered (i64), generator state (u64).</summary>
    public const int ReplayHeaderLength = (3 * sizeof(int)) + sizeof(long) + sizeof(ulong);

    /// <summary>
    /// <c>\x89 E D G E I L \n</c>. The high first byte and the line feed make a file that went
    /// through a 7-bit or text-mode copy fail here rather than at the checksum (the PNG trick).
    /// </summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'E', (byte)'D', (byte)'G', (byte)'E', (byte)'I', (byte)'L', 0x0A];

    /// <summary>
    /// Whether a reader that does not know the section may skip it: only when the tag's first byte
    /// is a lower-case letter. Upper case (and anything else) means the section changes what the
    /// checkpoint means, so a reader that ignored it would build the wrong learner.
    /// </summary>
    public static bool IsSkippable(uint tag) => (tag & 0xFF) is >= 'a' and <= 'z';

    /// <summary>The tag as its four characters, or in hex when they are not printable ASCII.</summary>
    public static string TagName(uint tag)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            byte value = (byte)(tag >> (8 * i));
            if (value is < 0x20 or > 0x7E)
            {
                return $"0x{tag:X8}";
            }

            chars[i] = (char)value;
        }

        return new string(chars);
    }

    /// <summary>The stable name of a head; the enum's numeric values are not part of the format.</summary>
    public static string HeadName(OutputHead head) => head switch
    {
        OutputHead.Softmax => "softmax",
        OutputHead.Sigmoid => "sigmoid",
        OutputHead.Identity => "identity",
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown output head."),
    };

    /// <summary>The stable name of an input scaling mode.</summary>
    public static string ScalingName(InputScaling scaling) => scaling switch
    {
        InputScaling.Fixed => "fixed",
        InputScaling.Standardize => "standardize",
        _ => throw new ArgumentOutOfRangeException(nameof(scaling), scaling, "Unknown input scaling."),
    };

    public static bool TryParseScaling(string name, out InputScaling scaling)
    {
        (bool known, scaling) = name switch
        {
            "fixed" => (true, InputScaling.Fixed),
            "standardize" => (true, InputScaling.Standardize),
            _ => (false, default(InputScaling)),
        };
        return known;
    }

    public static bool TryParseHead(string name, out OutputHead head)
    {
        (bool known, head) = name switch
        {
            "softmax" => (true, OutputHead.Softmax),
            "sigmoid" => (true, OutputHead.Sigmoid),
            "identity" => (true, OutputHead.Identity),
            _ => (false, default(OutputHead)),
        };
        return known;
    }
}
