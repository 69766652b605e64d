namespace FBNetV2.MLNet.Reports;

/// <summary>
/// One model on the accuracy-versus-cost plot: the searched network or a baseline trained on the same data.
/// <paramref name="Accuracy"/> is a fraction (0.91 for 91 %), like every accuracy in the library.
/// </summary>
public sealed record ModelPoint(string Name, double MFlops, double Accuracy, bool IsSearched);
