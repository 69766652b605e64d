using System.Text.Json;
using System.Text.Json.Serialization;

namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// JSON form of an architecture: every field spelled out, plus the compact string and the exact costs for readers.
/// Reading uses the structured fields; a file from a newer format version is refused rather than misread.
/// </summary>
public static class ArchitectureJson
{
    /// <summary>The <c>formatVersion</c> this library writes; files with a higher one are refused.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private sealed record BlockDto(BlockKind Kind, int OutChannels, int Stride, int Kernel, int Hidden, bool SqueezeExcite, Activation Activation);

    private sealed record ArchitectureDto(
        int FormatVersion, string? Architecture, int InputChannels, int InputSize, int Subsample, StemSpec Stem,
        List<List<BlockDto>> Stages, HeadSpec Head, int NumClasses, long? Flops, long? Parameters);

    /// <summary>The JSON text of <paramref name="a"/> (indented, camelCase), as a run's architecture.json holds it.</summary>
    public static string Serialize(FBNetArchitecture a)
    {
        var dto = new ArchitectureDto(FormatVersion, a.ToString(), a.InputChannels, a.InputSize, a.Subsample, a.Stem,
            a.Stages.Select(s => s.Select(b => new BlockDto(b.Kind, b.OutChannels, b.Stride, b.Kernel, b.Hidden, b.SqueezeExcite, b.Activation)).ToList()).ToList(),
            a.Head, a.NumClasses, a.Flops, a.Parameters);
        return JsonSerializer.Serialize(dto, Options);
    }

    /// <summary>Reads the JSON form back; the structured fields are read, the string form and costs in the file are ignored.</summary>
    /// <param name="json">The text <see cref="Serialize"/> writes.</param>
    /// <param name="source">Named in error messages (a file path, say).</param>
    /// <exception cref="FormatException">The text is not an architecture JSON of a known format version, or describes an invalid network.</exception>
    public static FBNetArchitecture Deserialize(string json, string source = "architecture JSON")
    {
        ArchitectureDto? dto;
        try { dto = JsonSerializer.Deserialize<ArchitectureDto>(json, Options); }
        catch (JsonException e) { throw new FormatException($"{source} is not a valid architecture JSON: {e.Message}", e); }
        if (dto is null) throw new FormatException($"{source} is empty; expected an architecture object.");
        if (dto.FormatVersion > FormatVersion)
            throw new FormatException($"{source} has format version {dto.FormatVersion}, newer than this library understands ({FormatVersion}). Upgrade FBNetV2.MLNet.");
        if (dto.FormatVersion < 1) throw new FormatException($"{source} has no 'formatVersion'; expected {FormatVersion}.");
        if (dto.Stem is null || dto.Head is null || dto.Stages is null)
            throw new FormatException($"{source} lacks 'stem', 'stages' or 'head'.");
        for (int s = 0; s < dto.Stages.Count; s++)
        {
            if (dto.Stages[s] is null) throw new FormatException($"{source}: stage {s + 1} is null; expected a list of blocks.");
            int b = dto.Stages[s].IndexOf(null!);
            if (b >= 0) throw new FormatException($"{source}: stage {s + 1} block {b + 1} is null; expected a block object such as {{\"kind\": \"invertedResidual\", \"outChannels\": 16, ...}}.");
        }
        try
        {
            return new FBNetArchitecture(dto.InputChannels, dto.InputSize, dto.Stem,
                dto.Stages.Select(s => s.Select(b => new BlockSpec(b.Kind, b.OutChannels, b.Stride, b.Kernel, b.Hidden, b.SqueezeExcite, b.Activation))),
                dto.Head, dto.NumClasses, dto.Subsample == 0 ? 1 : dto.Subsample);
        }
        catch (ArgumentException e) { throw new FormatException($"{source}: {e.Message}", e); }
    }

    /// <summary>
    /// Reads a predefined name (<see cref="PredefinedArchitectures.Names"/>), an architecture string (it contains '|'),
    /// or the path of a JSON file: what <see cref="TrainFBNetOptions.Architecture"/> accepts.
    /// </summary>
    /// <exception cref="ArgumentException">It is none of the three.</exception>
    public static FBNetArchitecture Resolve(string nameStringOrPath)
    {
        if (PredefinedArchitectures.Contains(nameStringOrPath)) return PredefinedArchitectures.Get(nameStringOrPath);
        if (nameStringOrPath.Contains('|')) return FBNetArchitecture.Parse(nameStringOrPath);
        if (File.Exists(nameStringOrPath)) return Deserialize(File.ReadAllText(nameStringOrPath), nameStringOrPath);
        if (nameStringOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || nameStringOrPath.Contains('/') || nameStringOrPath.Contains(Path.DirectorySeparatorChar))
            throw new ArgumentException($"Architecture file '{nameStringOrPath}' does not exist (looked for {Path.GetFullPath(nameStringOrPath)}). " +
                $"Check the path (an architecture.json of a run folder), or give a predefined architecture ({string.Join(", ", PredefinedArchitectures.Names)}) or an architecture string.");
        throw new ArgumentException($"'{nameStringOrPath}' is neither a predefined architecture ({string.Join(", ", PredefinedArchitectures.Names)}), " +
            "an architecture string (segments separated by '|'), nor an existing JSON file.");
    }
}
