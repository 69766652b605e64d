using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace FBNetV2.MLNet;

/// <summary>
/// <c>mlContext.MulticlassClassification.Trainers.TrainFBNet(...)</c> and <c>.SearchFBNet(...)</c>, shaped like ML.NET's
/// TorchSharp trainers: for each, a simple overload and one taking its options (<see cref="TrainFBNetOptions"/>,
/// <see cref="SearchFBNetOptions"/>).
/// </summary>
public static class FBNetCatalog
{
    /// <summary>Trains an FBNet image classifier on a keyed label and an ExtractPixels feature vector.</summary>
    /// <param name="catalog">ML.NET's multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The pixel vector column, shaped [channels, height, width] by ExtractPixels.</param>
    /// <param name="architecture">Predefined name (e.g. "Compact-S", "Compact-M"), architecture string, or JSON file path.</param>
    /// <param name="maxEpochs">Training epochs.</param>
    /// <param name="scoreColumnName">The per-class score column the model adds.</param>
    /// <param name="predictedLabelColumnName">The predicted key column the model adds.</param>
    /// <param name="validationSet">Held-out rows to pick the best epoch; without it, ValidationSetFraction of the training rows.</param>
    public static FBNetTrainer TrainFBNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "Compact-S", int maxEpochs = 30,
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", IDataView? validationSet = null) =>
        TrainFBNet(catalog, new TrainFBNetOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Architecture = architecture,
            MaxEpochs = maxEpochs,
            ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
            ValidationSet = validationSet,
        });

    /// <summary>Trains one given architecture with every option of <see cref="TrainFBNetOptions"/> (recipe, device, time budget, callbacks).</summary>
    /// <param name="catalog">ML.NET's multiclass trainers catalog.</param>
    /// <param name="options">Columns, the architecture and the training recipe.</param>
    public static FBNetTrainer TrainFBNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, TrainFBNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new FBNetTrainer(Environment(catalog), options);
    }

    /// <summary>
    /// Searches an FBNet architecture under a cost budget (DMaskingNAS), trains it from scratch and returns the same
    /// ONNX-scoring model as TrainFBNet.
    /// </summary>
    /// <param name="catalog">ML.NET's multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label column.</param>
    /// <param name="featureColumnName">The pixel vector column, shaped [channels, height, width] by ExtractPixels.</param>
    /// <param name="budget">Millions of multiply-adds the network may cost per image; null: the geometric mean of the searched space's cheapest and largest architectures, or under a time budget what the final training can afford (<see cref="SearchFBNetOptions.Budget"/>).</param>
    /// <param name="searchEpochs">Epochs of the architecture search (weight warm-up included).</param>
    /// <param name="maxEpochs">Epochs of the chosen network's training from scratch.</param>
    /// <param name="scoreColumnName">The per-class score column the model adds.</param>
    /// <param name="predictedLabelColumnName">The predicted key column the model adds.</param>
    /// <param name="validationSet">Held-out rows to pick the best epoch; without it, ValidationSetFraction of the training rows.</param>
    public static FBNetTrainer SearchFBNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", double? budget = null, int searchEpochs = 10, int maxEpochs = 30,
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", IDataView? validationSet = null) =>
        SearchFBNet(catalog, new SearchFBNetOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Budget = budget,
            SearchEpochs = searchEpochs,
            MaxEpochs = maxEpochs,
            ScoreColumnName = scoreColumnName,
            PredictedLabelColumnName = predictedLabelColumnName,
            ValidationSet = validationSet,
        });

    /// <summary>
    /// Searches an architecture under a cost budget, then trains it from scratch, with every option of
    /// <see cref="SearchFBNetOptions"/> (search space, cost target, budget, search schedule, recipe, device, time budget).
    /// </summary>
    /// <param name="catalog">ML.NET's multiclass trainers catalog.</param>
    /// <param name="options">Columns, the search and the training recipe.</param>
    public static FBNetTrainer SearchFBNet(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SearchFBNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new FBNetTrainer(Environment(catalog), options);
    }

    /// <summary>
    /// Catalogs keep their environment non-public (ML.NET's own trainers reach it as a friend assembly); it is what
    /// routes messages to MLContext.Log and carries the seed, so read it by reflection.
    /// </summary>
    private static IHostEnvironment Environment(object catalog)
    {
        // ML.NET 5 implements it explicitly as IInternalCatalog.Environment, so match the name's last segment.
        for (var type = catalog.GetType(); type is not null; type = type.BaseType)
        {
            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            {
                if ((property.Name == "Environment" || property.Name.EndsWith(".Environment", StringComparison.Ordinal))
                    && typeof(IHostEnvironment).IsAssignableFrom(property.PropertyType) && property.GetValue(catalog) is IHostEnvironment env)
                    return env;
            }
        }
        throw new InvalidOperationException($"Could not read the environment of {catalog.GetType().FullName} (this ML.NET version hides it differently). " +
            "Create the trainer as new FBNetTrainer(mlContext, options) instead.");
    }
}
