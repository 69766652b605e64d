using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet;

/// <summary>
/// A trained FBNet classifier in an ML.NET pipeline. Scoring runs through a chain of ML.NET's own transformers
/// (ApplyOnnxModel, then MapValue to the label's key type, then DropColumns), with no TorchSharp; third-party
/// transformers cannot be saved through ML.NET's public API, so <see cref="ICanSaveModel.Save"/> writes that chain and
/// <c>mlContext.Model.Load</c> gives it back as a <see cref="TransformerChain{TLastTransformer}"/> in any app that
/// references Microsoft.ML.OnnxTransformer and an ONNX Runtime. What only training knows (architecture, history, the
/// batched ONNX model) lives here.
/// <para>
/// Like every ML.NET transformer holding an ONNX session, it is closed by <see cref="Dispose"/>, and also by disposing a
/// PredictionEngine created with the default <c>PredictionEngineOptions.OwnsTransformer = true</c>.
/// </para>
/// </summary>
public sealed class FBNetModel : ITransformer, IDisposable
{
    private readonly TransformerChain<ITransformer> _scoring;
    private readonly byte[] _onnx;
    private readonly ImageColumns _columns;
    private readonly string _featureColumnName;

    internal FBNetModel(TransformerChain<ITransformer> scoring, byte[] onnx, FBNetArchitecture architecture,
        IReadOnlyList<TrainingProgress> history, ImageColumns columns, string featureColumnName, float pixelScale, SearchResult? search = null)
    {
        _scoring = scoring;
        _onnx = onnx;
        _columns = columns;
        _featureColumnName = featureColumnName;
        Architecture = architecture;
        TrainingHistory = history;
        PixelScale = pixelScale;
        Search = search;
    }

    /// <summary>For SearchFBNet: the candidates, the search history and the learned distribution per layer; null for TrainFBNet.</summary>
    public SearchResult? Search { get; }

    /// <summary>The trained architecture, adapted to the data's input shape and class count.</summary>
    public FBNetArchitecture Architecture { get; }

    /// <summary>One entry per epoch.</summary>
    public IReadOnlyList<TrainingProgress> TrainingHistory { get; }

    /// <summary>The training recipe as it ran (null for a model loaded from a file, which does not store it).</summary>
    public TrainingRecipe? Recipe { get; internal init; }

    /// <summary>Epochs of the refit on training + validation images; empty without one.</summary>
    public IReadOnlyList<TrainingProgress> RefitHistory { get; internal init; } = [];

    /// <summary>Class names in key order of the label column; score i belongs to ClassNames[i].</summary>
    public IReadOnlyList<string> ClassNames => _columns.ClassNames;

    /// <summary>Factor from the feature values to [0, 1], folded into the ONNX graph.</summary>
    public float PixelScale { get; }

    /// <summary>The ML.NET transformers that score; this is what <c>mlContext.Model.Save</c> writes.</summary>
    public TransformerChain<ITransformer> ScoringChain => _scoring;

    /// <summary>
    /// The batched ONNX model ("input" [batch, C, H, W] of feature values as the pipeline produces them, "probabilities"
    /// [batch, classes]), for ONNX Runtime anywhere. The ML.NET chain holds a single-row variant of the same graph.
    /// </summary>
    public byte[] GetOnnxModel() => (byte[])_onnx.Clone();

    /// <summary>Writes the batched ONNX model (<see cref="GetOnnxModel"/>) to <paramref name="path"/>.</summary>
    public void SaveOnnx(string path) => File.WriteAllBytes(path, _onnx);

    /// <summary>Whether rows can be scored one at a time, as a PredictionEngine does (the ONNX scoring chain can).</summary>
    public bool IsRowToRowMapper => ((ITransformer)_scoring).IsRowToRowMapper;

    /// <summary>The schema after scoring: the input's columns plus the score and predicted label columns.</summary>
    /// <exception cref="ArgumentException">The feature column is missing or not a float vector of the trained size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        _columns.CheckScoring(inputSchema, _featureColumnName);
        return _scoring.GetOutputSchema(inputSchema);
    }

    /// <summary>The row mapper ML.NET's PredictionEngine uses; checks the feature column as <see cref="Transform"/> does.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        _columns.CheckScoring(inputSchema, _featureColumnName);
        return ((ITransformer)_scoring).GetRowToRowMapper(inputSchema);
    }

    /// <summary>Scores <paramref name="input"/> lazily through ONNX Runtime: adds the per-class Score and the PredictedLabel key.</summary>
    /// <exception cref="ArgumentException">The feature column is missing or not a float vector of the trained size.</exception>
    public IDataView Transform(IDataView input)
    {
        _columns.CheckScoring(input.Schema, _featureColumnName);
        return _scoring.Transform(input);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_scoring).Save(ctx);

    /// <summary>Releases the ONNX Runtime session and deletes the temporary model file ML.NET wrote for it.</summary>
    public void Dispose() => _scoring.Dispose();
}
