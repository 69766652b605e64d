using System.Text.Json;
using System.Text.Json.Serialization;
using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// A latency lookup table: measured ONNX Runtime latencies of every layer family a search space needs, on one
/// machine and runtime configuration (<see cref="Identity"/>), plus the fixed cost of one inference call. Saved as
/// JSON and reused; <see cref="LatencyProfiler"/> builds and refreshes it.
/// </summary>
public sealed class LatencyTable
{
    /// <summary>The JSON format version this library reads and writes; a table of another version is refused (profile again).</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    // Reference: the one fixed network that tables saved between issue 18's first drift correction and the current
    // one were timed against; read (as a list of one) and never written.
    private sealed record TableDto(int FormatVersion, LatencyTableIdentity? Identity, double OverheadMilliseconds, List<LatencyFamily>? Families,
        List<LatencyReference>? References = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LatencyReference? Reference = null);

    private readonly IReadOnlyDictionary<string, LatencyFamily> _measured;
    private readonly double _measuredOverhead;

    internal LatencyTable(LatencyTableIdentity identity, double overheadMilliseconds, IEnumerable<LatencyFamily> families, IReadOnlyList<LatencyReference>? references = null)
    {
        Identity = identity;
        _measuredOverhead = overheadMilliseconds;
        _measured = families.ToDictionary(f => f.Key);
        References = references ?? [];
        // Every timing scaled by how much faster or slower the machine runs now than when the table was measured.
        double scale = DriftScale = Drift(References);
        OverheadMilliseconds = overheadMilliseconds * scale;
        Families = scale == 1 ? _measured : _measured.Values.ToDictionary(f => f.Key, f => f with { Milliseconds = f.Milliseconds.Select(m => m * scale).ToArray() });
    }

    /// <summary>The machine, runtime and settings the table was measured with; it predicts latency only for the same ones.</summary>
    public LatencyTableIdentity Identity { get; }

    /// <summary>
    /// Whole networks timed with the table (its calibration networks, the same passes as its layers) and, once the
    /// table is in use, again now: the machine's speed drifts between stretches of minutes, and a table carries the
    /// speed of the stretch it was measured in. Empty for a table measured before drift correction (then none is
    /// possible); one network for a table saved by the first version of it.
    /// </summary>
    public IReadOnlyList<LatencyReference> References { get; }

    /// <summary>
    /// The median over <see cref="References"/> of each network's time now / at build (1 when none was timed now);
    /// every prediction is scaled by it. A median over several networks, because one network's time moves by as much
    /// as the drift between two timings on a shared machine, and one network slowed by something of its own (a cache
    /// effect, a burst during its pass) must not rescale the whole table.
    /// </summary>
    public double DriftScale { get; }

    /// <summary>Latency of an inference call that does no work: every family's measurement includes it once, a whole network once in total (drift-scaled).</summary>
    public double OverheadMilliseconds { get; }

    /// <summary>The call overhead as measured, before the drift scale.</summary>
    internal double MeasuredOverheadMilliseconds => _measuredOverhead;

    /// <summary>The families, each timing scaled by <see cref="DriftScale"/>.</summary>
    public IReadOnlyDictionary<string, LatencyFamily> Families { get; }

    /// <summary>Median over the networks timed now of now / at build; 1 when none was.</summary>
    internal static double Drift(IReadOnlyList<LatencyReference> references)
    {
        var ratios = references.Where(r => r.NowMilliseconds is not null).Select(r => r.NowMilliseconds!.Value / r.Milliseconds).ToArray();
        return ratios.Length == 0 ? 1 : OnnxLatencyMeter.Median(ratios);
    }

    /// <summary>
    /// This table with its reference networks' times now (in the order of <see cref="References"/>): predictions are
    /// scaled by the median of now / at build.
    /// </summary>
    internal LatencyTable WithReferencesNow(IReadOnlyList<double> milliseconds)
    {
        if (References.Count == 0)
            throw new InvalidOperationException("This latency table holds no whole-network timings (it predates drift correction), so its drift cannot be measured; " +
                "delete it and profile again (`fbnet profile`, or LatencyProfiler.LoadOrBuild).");
        if (milliseconds.Count != References.Count)
            throw new ArgumentException($"The table has {References.Count} reference networks, got {milliseconds.Count} times.", nameof(milliseconds));
        if (milliseconds.Where(ms => !(ms > 0) || !double.IsFinite(ms)).Select(ms => (double?)ms).FirstOrDefault() is { } bad)
            throw new ArgumentOutOfRangeException(nameof(milliseconds), $"A reference network's time must be a positive number of milliseconds, got {bad}.");
        return new LatencyTable(Identity, _measuredOverhead, _measured.Values, References.Select((r, i) => r with { NowMilliseconds = milliseconds[i] }).ToList());
    }

    /// <summary>The family, or a clear error naming what to profile.</summary>
    public LatencyFamily Family(string key) => Families.TryGetValue(key, out var f) ? f
        : throw new KeyNotFoundException($"The latency table has no measurements for '{key}'. Profile the search space you use " +
            "(LatencyProfiler.LoadOrBuild, or `fbnet profile`) so that the table covers it.");

    /// <summary>This table with <paramref name="measured"/> added (replacing families of the same key).</summary>
    internal LatencyTable With(IEnumerable<LatencyFamily> measured) =>
        new(Identity, _measuredOverhead, _measured.Values.Where(f => !measured.Any(m => m.Key == f.Key)).Concat(measured), References);

    /// <summary>This table as measured (no drift scale), with <paramref name="references"/> and <paramref name="overheadMilliseconds"/>.</summary>
    internal LatencyTable AsMeasured(double overheadMilliseconds, IReadOnlyList<LatencyReference> references) =>
        new(Identity, overheadMilliseconds, _measured.Values, references.Select(r => r with { NowMilliseconds = null }).ToList());

    /// <summary>Throws <see cref="LatencyTableMismatchException"/> when the table was measured elsewhere or otherwise.</summary>
    public void EnsureMatches(LatencyTableIdentity expected, string source)
    {
        if (Identity.Difference(expected) is { } diff)
            throw new LatencyTableMismatchException($"The latency table {source} does not describe this configuration: {diff}. " +
                "Rebuild it here (`fbnet profile --rebuild`, or LatencyProfiler.LoadOrBuild with rebuildForeign: true) or point to a table measured on this machine.");
    }

    /// <summary>Writes through a temporary file in the same folder, so an existing table is replaced whole or not at all.</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // What was measured, never the drift-scaled view: the scale belongs to one use of the table.
            File.WriteAllText(temp, JsonSerializer.Serialize(new TableDto(FormatVersion, Identity, _measuredOverhead,
                _measured.Values.OrderBy(f => f.Key, StringComparer.Ordinal).ToList(), References.Select(r => r with { NowMilliseconds = null }).ToList()), Json));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads a table that <see cref="Save"/> wrote; whether it fits this machine is checked where it is used (<see cref="EnsureMatches"/>).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="FormatException">The file is not a latency table of this format version, or its measurements are malformed.</exception>
    public static LatencyTable Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Latency table '{path}' does not exist. Build it with `fbnet profile --latency-table {path}`.", path);
        TableDto? dto;
        try { dto = JsonSerializer.Deserialize<TableDto>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new FormatException($"Latency table '{path}' is not valid JSON ({e.Message}). Delete it, or replace it with `fbnet profile --rebuild`.", e); }
        if (dto is null || dto.Identity is null || dto.Families is null)
            throw new FormatException($"Latency table '{path}' lacks 'identity' or 'families'. Delete it, or replace it with `fbnet profile --rebuild`.");
        if (dto.FormatVersion != FormatVersion)
            throw new FormatException($"Latency table '{path}' has format version {dto.FormatVersion}; this library reads version {FormatVersion}. Replace it with `fbnet profile --rebuild`.");
        foreach (var f in dto.Families)
        {
            if (f?.Key is null || f.Axes is null || f.Milliseconds is null || f.Axes.Any(a => a is null || a.Length == 0 || !a.SequenceEqual(a.Order().Distinct())))
                throw new FormatException($"Latency table '{path}' has a malformed family{(f?.Key is null ? "" : $" '{f.Key}'")}: each needs a key, strictly increasing width axes and measurements. Replace it with `fbnet profile --rebuild`.");
            if (f.Milliseconds.Length != LatencyFamily.GridSize(f.Axes) || f.Milliseconds.Any(m => !(m >= 0) || !double.IsFinite(m)))
                throw new FormatException($"Latency table '{path}': family '{f.Key}' needs {LatencyFamily.GridSize(f.Axes)} finite non-negative measurements, has {f.Milliseconds.Length}. Replace it with `fbnet profile --rebuild`.");
        }
        if (dto.Families.GroupBy(f => f.Key).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new FormatException($"Latency table '{path}' lists family '{twice.Key}' twice. Replace it with `fbnet profile --rebuild`.");
        // A table saved with the single reference network of the first drift correction is recalibrated with that one.
        var references = dto.References ?? (dto.Reference is { } single ? [single] : []);
        foreach (var r in references)
        {
            if (r is null || string.IsNullOrEmpty(r.Architecture) || !(r.Milliseconds > 0) || !double.IsFinite(r.Milliseconds))
                throw new FormatException($"Latency table '{path}' has a malformed reference network (each needs an architecture and a positive time). Replace it with `fbnet profile --rebuild`.");
            try { FBNetArchitecture.Parse(r.Architecture); }
            catch (FormatException e) { throw new FormatException($"Latency table '{path}' has a reference network this library cannot build ({e.Message}). Replace it with `fbnet profile --rebuild`.", e); }
        }
        return new LatencyTable(dto.Identity, dto.OverheadMilliseconds, dto.Families, references.Select(r => r with { NowMilliseconds = null }).ToList());
    }
}
