using System.Text.Json.Serialization;

namespace EdgeIL.Device.Configuration;

/// <summary>
/// The System.Text.Json metadata for the configuration, generated at build time: under Native AOT
/// reflection-based serialization is off, and the generated code is also what keeps the trimmer from
/// removing the settings' setters.
/// </summary>
/// <remarks>
/// Settings have public setters rather than init-only ones: the generator would pass the type's default
/// for every absent init-only property and so wipe the defaults the classes declare. Nullable annotations
/// are respected, so <c>"loop": null</c> is an error naming the field instead of a crash later.
/// Unknown fields are errors rather than ignored, so a misspelt setting ("tickHZ") is reported instead of
/// silently falling back to its default. Comments and trailing commas are allowed because people edit
/// these files by hand on the device.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(DeviceConfiguration))]
internal sealed partial class DeviceConfigurationJsonContext : JsonSerializerContext
{
}
