using FBNetV2.MLNet.Training;
using Microsoft.ML;

namespace FBNetV2.MLNet;

/// <summary>
/// Options shared by TrainFBNet and SearchFBNet, named after ML.NET's own trainer options (public fields, as in
/// Microsoft.ML.TorchSharp) so they read familiar.
/// </summary>
public abstract class FBNetOptions
{
    /// <summary>Key-typed label column (MapValueToKey); its key values become the class names.</summary>
    public string LabelColumnName = "Label";

    /// <summary>Known-size float vector of planar pixels, as ExtractPixels writes with the default interleavePixelColors: false.</summary>
    public string FeatureColumnName = "Features";

    /// <summary>Column the model adds: a float vector of class probabilities, in the label's key order.</summary>
    public string ScoreColumnName = "Score";

    /// <summary>Column the model adds: the most probable class, as a key of the label's type (MapKeyToValue turns it back into the label).</summary>
    public string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>Images per training step (default 128); the learning rate is scaled with it.</summary>
    public int BatchSize = 128;

    /// <summary>
    /// Epochs of training the final network. Null (the default): <see cref="DefaultMaxEpochs"/> without a
    /// <see cref="TimeBudget"/>; with one, as many as fit the time left after the search (planned from a measured step
    /// time, so that the schedule runs to its end), at most <see cref="TimeBudgetMaxEpochs"/>. Set: at most that many
    /// (a time budget may plan fewer, never more).
    /// </summary>
    public int? MaxEpochs;

    /// <summary>Epochs the final training runs when neither <see cref="MaxEpochs"/> nor <see cref="TimeBudget"/> is set.</summary>
    public const int DefaultMaxEpochs = 30;

    /// <summary>
    /// Most epochs a <see cref="TimeBudget"/> plans when <see cref="MaxEpochs"/> is null (a bound for tiny data sets,
    /// where thousands of epochs would fit).
    /// </summary>
    public const int TimeBudgetMaxEpochs = 300;

    /// <summary>Peak learning rate for a batch of 128 (default 0.1; scaled linearly with <see cref="BatchSize"/>).</summary>
    public double LearningRate = 0.1;

    /// <summary>Nesterov momentum of the SGD optimizer the final training (and the search's proxy training) uses (default 0.9; in [0, 1)).</summary>
    public double Momentum = RecipeDefaults.Momentum;

    /// <summary>Validation data with the same columns; when null, <see cref="ValidationSetFraction"/> of the training data is held out (default null).</summary>
    public IDataView? ValidationSet;

    /// <summary>Share of each class held out for validation when <see cref="ValidationSet"/> is null (default 0.1); 0 trains on everything and keeps the last epoch.</summary>
    public double ValidationSetFraction = 0.1;

    /// <summary>Seed of the validation split, weight initialisation, data order, augmentation and search sampling (default 1); on the CPU the same seed gives the same model (one Fit at a time per process: Torch's generator is process-wide).</summary>
    public int Seed = 1;

    /// <summary>{channels, height, width} of the feature vector; null reads the dimensions ExtractPixels attaches to the column type.</summary>
    public int[]? ImageShape;

    /// <summary>
    /// Factor that brings feature values into [0, 1]. Null decides from the training data: 1/255 when any value exceeds 1
    /// (ExtractPixels' default output), else 1. It is folded into the exported graph, so scoring reads the same pixels.
    /// </summary>
    public float? PixelScale;

    /// <summary>Random left-right mirroring while training (default on); turn it off for digits, text and other handed images.</summary>
    public bool HorizontalFlip = true;

    /// <summary>Torch device for training (and searching), default Cpu; Cuda needs the TorchSharp CUDA natives in the app.</summary>
    public TrainingDevice TrainingDevice = TrainingDevice.Cpu;

    /// <summary>CUDA device for ONNX Runtime scoring; used only when the app references the GPU runtime, else scoring stays on the CPU with a log message.</summary>
    public int? GpuDeviceId;

    /// <summary>Score on the CPU when the GPU cannot be used (otherwise that is an error).</summary>
    public bool FallbackToCpu = true;

    /// <summary>
    /// Wall-clock limit for Fit, which shapes the schedule rather than cutting it: SearchFBNet gives the search at most half
    /// of it, and the final training plans its epochs from a measured step time to fill what is left (see
    /// <see cref="MaxEpochs"/>; a teacher trained first and a refit take their shares before that), so the cosine runs to
    /// its end. No new epoch starts after it. Null (the default): no limit.
    /// </summary>
    public TimeSpan? TimeBudget;

    /// <summary>Stops the search and training between steps; Fit then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken;

    /// <summary>Called after every epoch; each epoch is also written to MLContext.Log.</summary>
    public IProgress<TrainingProgress>? Progress;

    // ---- Training recipe (issue 16). Defaults are TrainingOptions' (measured: docs/benchmarks.md, "Training recipe").

    /// <summary>L2 penalty on conv and linear weights, not on BN parameters or biases (default 5e-4).</summary>
    public double WeightDecay = RecipeDefaults.WeightDecay;

    /// <summary>Share of the target spread over the other classes (default 0.1; 0 trains on one-hot labels).</summary>
    public double LabelSmoothing = RecipeDefaults.LabelSmoothing;

    /// <summary>Dropout probability before the classifier (default 0.1).</summary>
    public double Dropout = RecipeDefaults.Dropout;

    /// <summary>Epochs of linear learning-rate warm-up before the cosine decay (default 1).</summary>
    public int WarmupEpochs = RecipeDefaults.WarmupEpochs;

    /// <summary>Random crop after zero padding of this many pixels (default 2; 0 turns it off).</summary>
    public int RandomCropPadding = RecipeDefaults.RandomCropPadding;

    /// <summary>Exponential moving average of the weights (decay warmed up over the first steps); the average is validated and exported. Default 0.999; 0 turns it off.</summary>
    public double EmaDecay = RecipeDefaults.EmaDecay;

    /// <summary>Chance that a training image gets one random rectangle replaced by noise (timm's RandomErasing); default 0 (off: it cost small networks accuracy on Fashion-MNIST and changed nothing on MNIST, docs/benchmarks.md section 8); 0.25 is timm's value.</summary>
    public double RandomErasingProbability = RecipeDefaults.RandomErasingProbability;

    /// <summary>Smallest share of the image an erased rectangle covers (default 0.02).</summary>
    public double RandomErasingMinArea = RecipeDefaults.RandomErasingMinArea;

    /// <summary>Largest share of the image an erased rectangle covers (default 1/3).</summary>
    public double RandomErasingMaxArea = RecipeDefaults.RandomErasingMaxArea;

    /// <summary>
    /// Once validation has chosen the epoch count, train again from scratch on the training and validation images
    /// together for that many epochs and keep that network. Needs validation data; with a TimeBudget the first run
    /// plans for its share of the time. Off by default: it doubles the training time, and on Fashion-MNIST (10 % held
    /// out) it bought +0.03 points on one network and -0.08 to -0.34 on three others (docs/benchmarks.md, sessions 13 and 18).
    /// </summary>
    public bool RefitOnAllData = RecipeDefaults.RefitOnAllData;

    /// <summary>
    /// Knowledge distillation. A predefined name, architecture string or architecture JSON is trained first on the same
    /// data with this recipe and then teaches; a model.onnx written by this tool, or the run folder holding it, teaches
    /// as saved. Null trains on labels alone.
    /// </summary>
    public string? Teacher;

    /// <summary>
    /// Epochs of a teacher trained first; null gives it the epochs planned for the network it teaches (MaxEpochs, or
    /// <see cref="DefaultMaxEpochs"/>, or with a <see cref="TimeBudget"/> what fits), in half of the time left.
    /// </summary>
    public int? TeacherEpochs;

    /// <summary>Weight a of the teacher's term: loss = (1 - a) * CE + a * T^2 * KL(teacher || student) (default 0.5).</summary>
    public double DistillationWeight = RecipeDefaults.DistillationWeight;

    /// <summary>Temperature T softening teacher and student in the distillation term (default 4).</summary>
    public double DistillationTemperature = RecipeDefaults.DistillationTemperature;

    private static readonly TrainingOptions RecipeDefaults = new();
}
