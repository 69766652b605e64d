using System.Globalization;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Benchmark rows as CSV for the plot command (docs/data): appended so that runs of several seeds or networks collect
/// in one file; the header is written when the file is new and must match when it is not.
/// </summary>
internal static class ResultCsv
{
    public static void Append(string? path, string header, params object[] fields)
    {
        if (path is null) return;
        var texts = fields.Select(f => Convert.ToString(f, CultureInfo.InvariantCulture) ?? "").ToArray();
        if (texts.FirstOrDefault(t => t.Contains(',') || t.Contains('\n')) is { } bad)
            throw new ArgumentException($"'{bad}' cannot be a field of --csv {path}: it contains a comma or a line break.");
        if (File.Exists(path))
        {
            string existing = File.ReadLines(path).FirstOrDefault() ?? "";
            if (existing != header)
                throw new InvalidOperationException($"--csv {path} has the header '{existing}', this command writes '{header}': choose another file.");
        }
        else File.WriteAllText(path, header + "\n");
        File.AppendAllText(path, string.Join(",", texts) + "\n");
    }

    /// <summary>The data rows of a CSV written by <see cref="Append"/>, as maps from header name to value.</summary>
    public static List<Dictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0) throw new InvalidDataException($"{path} is empty: expected a header line.");
        var names = lines[0].Split(',');
        return lines.Skip(1).Select((line, i) =>
        {
            var values = line.Split(',');
            if (values.Length != names.Length)
                throw new InvalidDataException($"{path} line {i + 2} has {values.Length} fields, the header {names.Length}.");
            return names.Zip(values).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    public static double Number(this Dictionary<string, string> row, string name) => double.Parse(row[name], CultureInfo.InvariantCulture);
}
