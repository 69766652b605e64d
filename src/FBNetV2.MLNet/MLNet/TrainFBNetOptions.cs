namespace FBNetV2.MLNet;

/// <summary>
/// Options of <see cref="FBNetCatalog.TrainFBNet(Microsoft.ML.MulticlassClassificationCatalog.MulticlassClassificationTrainers, TrainFBNetOptions)"/>:
/// train one given architecture.
/// </summary>
public sealed class TrainFBNetOptions : FBNetOptions
{
    /// <summary>Predefined name (e.g. "Compact-S"), architecture string, or path of an architecture JSON file. Its input and class count are adapted to the data.</summary>
    public string Architecture = "Compact-S";
}
