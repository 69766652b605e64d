using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Reports;

namespace FBNetV2.MLNet.Runs;

/// <summary>What a run produced: the architecture, test metrics, comparison points and where the files are.</summary>
/// <param name="Architecture">The network that was trained (searched, or the one given).</param>
/// <param name="TestAccuracy">Accuracy on the test images (ML.NET's micro accuracy), a fraction.</param>
/// <param name="MacroAccuracy">Mean of the per-class accuracies on the test images, a fraction.</param>
/// <param name="Comparison">The network and the baselines on the accuracy-versus-MFLOPs plot.</param>
/// <param name="OutputDirectory">Absolute path of the folder holding model.zip, model.onnx, architecture.json, metrics.json and the report.</param>
/// <param name="ReportPath">Path of report.html.</param>
/// <param name="Elapsed">Wall-clock time of the whole run.</param>
public sealed record RunResult(
    FBNetArchitecture Architecture,
    double TestAccuracy,
    double MacroAccuracy,
    IReadOnlyList<ModelPoint> Comparison,
    string OutputDirectory,
    string ReportPath,
    TimeSpan Elapsed);
