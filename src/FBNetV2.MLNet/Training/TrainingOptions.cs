namespace FBNetV2.MLNet.Training;

/// <summary>Recipe for training a fixed architecture from scratch.</summary>
public sealed class TrainingOptions
{
    public int Epochs { get; set; } = 30;
    public int BatchSize { get; set; } = 128;
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.SgdNesterov;

    /// <summary>Peak learning rate (after warm-up) for a batch of 128; scaled linearly with the batch size.</summary>
    public double LearningRate { get; set; } = 0.1;
    public double Momentum { get; set; } = 0.9;

    /// <summary>Applied to conv and linear weights only; BN parameters and biases are not decayed.</summary>
    public double WeightDecay { get; set; } = 5e-5;
    public int WarmupEpochs { get; set; } = 1;
    public double LabelSmoothing { get; set; } = 0.1;
    public double Dropout { get; set; } = 0.1;

    /// <summary>Random crop after zero padding of this many pixels (0 turns it off).</summary>
    public int RandomCropPadding { get; set; } = 2;

    /// <summary>Mirror images left-right at random. Right for most photos and clothes, wrong for digits or text.</summary>
    public bool HorizontalFlip { get; set; } = true;

    /// <summary>Exponential moving average of the weights, used for validation and as the result (0 turns it off).</summary>
    public double EmaDecay { get; set; } = 0.0;

    /// <summary>Stop when validation accuracy has not improved for this many epochs (0 never stops early).</summary>
    public int EarlyStoppingPatience { get; set; } = 0;

    public int Seed { get; set; } = 1;

    /// <summary>Torch intra-op threads; 0 uses every core.</summary>
    public int Threads { get; set; } = 0;

    /// <summary>"cpu", "cuda" or "auto" (CUDA when the app references a CUDA build of TorchSharp and a GPU is there).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Wall-clock limit: no new epoch starts after it; the best epoch so far is kept.</summary>
    public DateTime? Deadline { get; set; }

    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Test hook: runs at every cancellation check (each step), just before the token is checked.</summary>
    internal Action? OnCancellationCheck { get; set; }

    internal void Validate()
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new ArgumentOutOfRangeException(option, message); }
        Check(Epochs >= 1, nameof(Epochs), $"Epochs must be at least 1, got {Epochs}.");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize must be at least 1, got {BatchSize}.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate must be positive, got {LearningRate}.");
        Check(Momentum is >= 0 and < 1, nameof(Momentum), $"Momentum must be in [0, 1), got {Momentum}.");
        Check(WeightDecay >= 0, nameof(WeightDecay), $"WeightDecay must not be negative, got {WeightDecay}.");
        Check(WarmupEpochs >= 0 && WarmupEpochs < Epochs + 1, nameof(WarmupEpochs), $"WarmupEpochs must be between 0 and Epochs, got {WarmupEpochs}.");
        Check(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), $"LabelSmoothing must be in [0, 1), got {LabelSmoothing}.");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), $"Dropout must be in [0, 1), got {Dropout}.");
        Check(RandomCropPadding >= 0, nameof(RandomCropPadding), $"RandomCropPadding must not be negative, got {RandomCropPadding}.");
        Check(EmaDecay is >= 0 and < 1, nameof(EmaDecay), $"EmaDecay must be in [0, 1), got {EmaDecay}.");
        Check(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), $"EarlyStoppingPatience must not be negative, got {EarlyStoppingPatience}.");
        Check(Threads >= 0, nameof(Threads), $"Threads must not be negative, got {Threads}.");
        Check(Device is "cpu" or "cuda" or "auto", nameof(Device), $"Device must be 'cpu', 'cuda' or 'auto', got '{Device}'.");
    }
}
