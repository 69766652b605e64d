using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet.Cli;

/// <summary>
/// A model.zip written by an fbnet run (or by any pipeline ending in TrainFBNet / SearchFBNet that starts from an
/// ImagePath text column): the loaded transformer, the class names in score order, and the ONNX model inside.
/// </summary>
internal sealed class ModelFile : IDisposable
{
    public const string ImagePathColumn = "ImagePath";
    public const string LabelColumn = "Label";
    public const string ScoreColumn = "Score";
    public const string PredictedLabelColumn = "PredictedLabel";

    private ModelFile(string path, ITransformer transformer, DataViewSchema inputSchema, IReadOnlyList<string> classNames)
    {
        Path = path;
        Transformer = transformer;
        InputSchema = inputSchema;
        ClassNames = classNames;
    }

    public string Path { get; }
    public ITransformer Transformer { get; }
    public DataViewSchema InputSchema { get; }

    /// <summary>Score[i] belongs to ClassNames[i].</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// Loads through <see cref="FBNetModelFile"/>, the one reader of model.zip files: it tells a damaged file from a
    /// missing component and names the fix; this adds what the commands need (an ImagePath input, a Score vector, the
    /// class names).
    /// </summary>
    public static ModelFile Load(MLContext ml, string path)
    {
        string full = RequireZip(path);
        ITransformer transformer;
        DataViewSchema input;
        try
        {
            FBNetModelFile.ReadOnnxModel(full); // an FBNet model holds exactly one ONNX model: say so before ML.NET's own messages
            transformer = FBNetModelFile.Load(ml, full, out input);
        }
        catch (InvalidDataException e)
        {
            throw new CliInputException($"{e.Message} Pass the model.zip that 'fbnet search' or 'fbnet train' wrote.");
        }
        try
        {
            if (input.GetColumnOrNull(ImagePathColumn)?.Type is not TextDataViewType)
                throw NotAModel(path, $"its pipeline does not start from an '{ImagePathColumn}' text column");
            DataViewSchema output;
            try { output = transformer.GetOutputSchema(input); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw NotAModel(path, $"its pipeline cannot run: {e.Message}");
            }
            if (output.GetColumnOrNull(ScoreColumn)?.Type is not VectorDataViewType { ItemType: NumberDataViewType } scoreType || scoreType.Size == 0)
                throw NotAModel(path, $"it writes no '{ScoreColumn}' vector");
            var names = FBNetModelFile.ReadClassNames(output, ScoreColumn, LabelColumn, scoreType.Size)
                ?? throw NotAModel(path, $"neither its '{ScoreColumn}' slot names nor its '{LabelColumn}' key values name the {scoreType.Size} classes");
            return new ModelFile(path, transformer, input, names);
        }
        catch
        {
            (transformer as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>The ONNX model bytes stored inside a model.zip (the single-row graph ML.NET scores with).</summary>
    public static byte[] ExtractOnnx(string path)
    {
        string full = RequireZip(path);
        try { return FBNetModelFile.ReadOnnxModel(full); }
        catch (InvalidDataException e) { throw new CliInputException(e.Message); }
    }

    private static string RequireZip(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CliInputException($"--model '{path}' is a folder; expected the model.zip an fbnet run wrote, e.g. '{System.IO.Path.Combine(path, "model.zip")}'.");
        if (!File.Exists(full))
            throw new CliInputException($"--model file '{path}' does not exist; expected the model.zip an fbnet run wrote.");
        return full;
    }

    private static CliInputException NotAModel(string path, string why) =>
        new($"'{path}' is not an FBNet model: {why}. Pass the model.zip that 'fbnet search' or 'fbnet train' wrote.");

    public void Dispose() => (Transformer as IDisposable)?.Dispose();
}
