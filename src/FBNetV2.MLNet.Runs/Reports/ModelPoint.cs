namespace FBNetV2.MLNet.Reports;

/// <summary>
/// One model on the accuracy-versus-cost plot: the searched network or a baseline trained on the same data.
/// <paramref name="Accuracy"/> is a fraction (0.91 for 91 %), like every accuracy in the library.
/// </summary>
/// <param name="Name">Label on the plot: a predefined architecture's name, or the searched network's.</param>
/// <param name="MFlops">Millions of multiply-adds per image.</param>
/// <param name="Accuracy">Test accuracy, a fraction.</param>
/// <param name="IsSearched">True for the searched (or given) network of the run, false for a baseline.</param>
public sealed record ModelPoint(string Name, double MFlops, double Accuracy, bool IsSearched);
