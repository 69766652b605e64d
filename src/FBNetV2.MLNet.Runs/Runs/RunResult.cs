using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Reports;

namespace FBNetV2.MLNet.Runs;

/// <summary>What a run produced: the architecture, test metrics, comparison points and where the files are.</summary>
public sealed record RunResult(
    FBNetArchitecture Architecture,
    double TestAccuracy,
    double MacroAccuracy,
    IReadOnlyList<ModelPoint> Comparison,
    string OutputDirectory,
    string ReportPath,
    TimeSpan Elapsed);
