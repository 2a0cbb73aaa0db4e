using System.Buffers.Binary;
using System.Text;

namespace EdgeIL.Device.Tests.Fuzz;

/// <summary>
/// Deterministic mutations of a seed input, the kinds a damaged card, a bad transfer or a hand edit
/// produce: flipped bits, overwritten bytes, boundary integers and floats written over a field,
/// truncation, deleted, inserted and repeated ranges, and (for text) numbers swapped for extreme ones.
/// The same seed and index always give the same bytes, so a failure names its input exactly.
/// </summary>
internal static class Mutator
{
    private static readonly long[] s_integers = [0, 1, -1, 2, 255, 256, 65535, 65536, 1 << 24, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 62];

    private static readonly float[] s_floats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, 1e30f, 1e25f, -0f, float.Epsilon, 1e-30f];

    private static readonly string[] s_texts =
    [
        "1e30", "-1e30", "NaN", "Infinity", "-1", "0", "65535", "99999999999999999999", "1e400", "2147483647", "3.5", "", "\"", ",", "\n", "null", "true", "{", "[]", "-0", "0x10", "1,2", "\uFEFF",
    ];

    /// <summary>Mutation <paramref name="index"/> of <paramref name="seed"/>.</summary>
    public static byte[] Mutate(byte[] seed, int index, bool text = false)
    {
        // Not HashCode.Combine: it is seeded per process, and the corpus must be the same on every run.
        var random = new Random(unchecked((index * 7919) + (seed.Length * 31) + 0x5EED));
        var data = new List<byte>(seed);
        int rounds = 1 + (random.Next(4) == 0 ? random.Next(1, 4) : 0);
        for (int round = 0; round < rounds; round++)
        {
            int kinds = text ? 9 : 8;
            switch (random.Next(kinds))
            {
                case 0:
                    FlipBits(data, random);
                    break;
                case 1:
                    for (int i = random.Next(1, 5); i > 0 && data.Count > 0; i--)
                    {
                        data[random.Next(data.Count)] = (byte)random.Next(256);
                    }

                    break;
                case 2:
                    WriteInteger(data, random);
                    break;
                case 3:
                    WriteFloat(data, random);
                    break;
                case 4:
                    if (data.Count > 0)
                    {
                        int cut = random.Next(data.Count);
                        data.RemoveRange(cut, data.Count - cut);
                    }

                    break;
                case 5:
                    if (data.Count > 1)
                    {
                        int start = random.Next(data.Count);
                        data.RemoveRange(start, random.Next(1, Math.Min(64, data.Count - start) + 1));
                    }

                    break;
                case 6:
                    byte[] inserted = new byte[random.Next(1, 32)];
                    random.NextBytes(inserted);
                    data.InsertRange(random.Next(data.Count + 1), inserted);
                    break;
                case 7:
                    if (data.Count > 1)
                    {
                        int start = random.Next(data.Count);
                        int length = random.Next(1, Math.Min(256, data.Count - start) + 1);
                        data.InsertRange(random.Next(data.Count + 1), data.GetRange(start, length));
                    }

                    break;
                default:
                    ReplaceToken(data, random);
                    break;
            }
        }

        return [.. data];
    }

    private static void FlipBits(List<byte> data, Random random)
    {
        for (int i = random.Next(1, 5); i > 0 && data.Count > 0; i--)
        {
            int at = random.Next(data.Count);
            data[at] ^= (byte)(1 << random.Next(8));
        }
    }

    private static void WriteInteger(List<byte> data, Random random)
    {
        long value = s_integers[random.Next(s_integers.Length)];
        int width = random.Next(2) == 0 ? 4 : 8;
        if (data.Count < width)
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        if (random.Next(4) == 0)
        {
            // IDX is big-endian.
            BinaryPrimitives.WriteInt32BigEndian(bytes, (int)value);
        }

        int at = random.Next(data.Count - width + 1);
        for (int i = 0; i < width; i++)
        {
            data[at + i] = bytes[i];
        }
    }

    private static void WriteFloat(List<byte> data, Random random)
    {
        if (data.Count < 4)
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, s_floats[random.Next(s_floats.Length)]);

        // Aligned to 4 bytes half the time: weights and records are arrays of floats.
        int at = random.Next(data.Count - 3);
        if (random.Next(2) == 0)
        {
            at &= ~3;
        }

        for (int i = 0; i < 4; i++)
        {
            data[at + i] = bytes[i];
        }
    }

    /// <summary>Swaps a run of digits (or any position, when there is none) for an extreme or malformed token.</summary>
    private static void ReplaceToken(List<byte> data, Random random)
    {
        byte[] replacement = Encoding.UTF8.GetBytes(s_texts[random.Next(s_texts.Length)]);
        int at = data.Count == 0 ? 0 : random.Next(data.Count);
        int start = at;
        while (start < data.Count && !IsDigit(data[start]))
        {
            start++;
        }

        if (start == data.Count)
        {
            data.InsertRange(at, replacement);
            return;
        }

        int end = start;
        while (end < data.Count && (IsDigit(data[end]) || data[end] == '.'))
        {
            end++;
        }

        data.RemoveRange(start, end - start);
        data.InsertRange(start, replacement);

        static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
    }
}
