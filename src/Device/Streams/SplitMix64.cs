namespace EdgeIL.Device.Streams;

/// <summary>
/// The SplitMix64 generator (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014), as in Vigna's reference splitmix64.c.
/// </summary>
/// <remarks>
/// Written out rather than taken from <see cref="Random"/> because a seeded <see cref="Random"/> is not
/// promised to give the same sequence on every .NET version, and a replay must give the same order on
/// a board and on the desktop, today and after an upgrade. Public so that the host's synthetic
/// streams are as reproducible as the replayed ones.
/// </remarks>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Initializes a generator whose sequence is fixed by <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    /// <summary>Returns the next 64 uniformly distributed bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns a uniformly distributed integer in 0..<paramref name="bound"/> - 1.</summary>
    /// <remarks>
    /// Lemire's multiply-and-reject method ("Fast random integer generation in an interval", ACM TOMACS
    /// 2019): the high half of <c>x * bound</c> is uniform once the few low halves below
    /// <c>2^64 mod bound</c> are rejected, which a plain <c>x % bound</c> would bias.
    /// </remarks>
    public int NextBelow(int bound)
    {
        ulong range = (ulong)bound;
        ulong high = Math.BigMul(Next(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(Next(), range, out low);
            }
        }

        return (int)high;
    }
}
