using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeIL.Learner.Kernels;

/// <summary>The vector width the hand-written kernels use.</summary>
public enum SimdLevel
{
    /// <summary>Plain scalar loops: the reference every other level is tested against.</summary>
    Scalar,

    /// <summary>128-bit vectors: NEON on ARM64 boards, SSE on x86-64.</summary>
    Vector128,

    /// <summary>256-bit vectors: AVX2 on x86-64.</summary>
    Vector256,

    /// <summary>512-bit vectors: AVX-512 on x86-64, where the runtime finds them worth using.</summary>
    Vector512,
}

/// <summary>
/// Chooses the widest vector the hardware accelerates and the runtime recommends, once per process. The
/// environment variable <c>EDGEIL_SIMD</c> (<c>scalar</c>, <c>vector128</c>, <c>vector256</c>, <c>vector512</c>)
/// overrides the choice within what the hardware runs natively, so a slow or suspect path can be ruled in
/// or out on a device without rebuilding.
/// </summary>
public static class SimdSelection
{
    /// <summary>The environment variable that overrides the automatic choice.</summary>
    public const string EnvironmentVariable = "EDGEIL_SIMD";

    /// <summary>The level in force for this process.</summary>
    public static SimdLevel Current { get; } = Choose(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// The widest level the hardware accelerates and the runtime recommends: the default.
    /// <see cref="Vector512.IsHardwareAccelerated"/> is false on CPUs where the runtime judges 512-bit code
    /// not worth it (those that lower their clock for it), even when they have AVX-512.
    /// </summary>
    public static SimdLevel Accelerated =>
        Vector512.IsHardwareAccelerated ? SimdLevel.Vector512
        : Vector256.IsHardwareAccelerated ? SimdLevel.Vector256
        : Vector128.IsHardwareAccelerated ? SimdLevel.Vector128
        : SimdLevel.Scalar;

    /// <summary>
    /// The widest level the hardware runs natively: <see cref="SimdLevel.Vector512"/> wherever AVX-512F is
    /// present, so that <c>EDGEIL_SIMD=vector512</c> can overrule the runtime's caution on a machine where
    /// it measures faster.
    /// </summary>
    public static SimdLevel Supported =>
        Avx512F.IsSupported ? SimdLevel.Vector512 : Accelerated;

    /// <summary>The level for an override value: the default when there is none, never wider than the hardware runs natively.</summary>
    public static SimdLevel Choose(string? requested)
    {
        SimdLevel supported = Supported;
        SimdLevel? wanted = requested?.Trim().ToUpperInvariant() switch
        {
            null or "" => null,
            "SCALAR" => SimdLevel.Scalar,
            "VECTOR128" => SimdLevel.Vector128,
            "VECTOR256" => SimdLevel.Vector256,
            "VECTOR512" => SimdLevel.Vector512,
            _ => throw new InvalidOperationException(
                $"{EnvironmentVariable}='{requested}' is not one of scalar, vector128, vector256, vector512."),
        };
        return wanted is { } level ? (level < supported ? level : supported) : Accelerated;
    }
}
