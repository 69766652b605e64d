using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Tests.Search;
using FBNetV2.MLNet.Training;
using TorchSharp;
using Xunit;

namespace FBNetV2.MLNet.Tests.Training;

public class NetworkTrainerTests
{
    private static readonly FBNetArchitecture Tiny = FBNetArchitecture.Parse("in_c1_s12|conv_k3_c8_s1_hs|ir_k3_e3_c16_s2_se_hs,ir_k5_e3_c16|head_c32_f0_hs|cls3");

    [Fact]
    public void NoTensorsLeakAcrossEpochs()
    {
        // Live tensors after each epoch stay the same: every batch's tensors are disposed with it.
        var live = new List<long>();
        var options = new TrainingOptions
        {
            Epochs = 4, BatchSize = 16, Seed = 2, Threads = 1, EmaDecay = 0.9,
            Progress = new SyncProgress<TrainingProgress>(_ => live.Add(DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount)),
        };
        using var result = NetworkTrainer.Train(Tiny, DMaskingSearchTests.TinyData(), DMaskingSearchTests.TinyData(8, seed: 9), options).Network;
        Assert.Equal(4, live.Count);
        Assert.True(live.Distinct().Count() == 1, $"live tensors per epoch: {string.Join(", ", live)}");
    }

    [Fact]
    public void LearnsTheTinyTaskAndIsReproducible()
    {
        var options = new TrainingOptions { Epochs = 6, BatchSize = 16, Seed = 3, Threads = 1, HorizontalFlip = false, RandomCropPadding = 0 };
        var a = NetworkTrainer.Train(Tiny, DMaskingSearchTests.TinyData(), DMaskingSearchTests.TinyData(8, seed: 9), options);
        var b = NetworkTrainer.Train(Tiny, DMaskingSearchTests.TinyData(), DMaskingSearchTests.TinyData(8, seed: 9), options);
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        Assert.True(a.BestValidationAccuracy > 0.9, $"validation accuracy {a.BestValidationAccuracy}");
        a.Network.Dispose(); b.Network.Dispose();
    }

    /// <summary>
    /// One image three times, once per label: whatever the network predicts, exactly one copy is right, so every epoch
    /// scores 1/3 on it by construction. A tie must keep the later epoch.
    /// </summary>
    private static LabeledImages ConstantAccuracyHoldout()
    {
        var image = DMaskingSearchTests.TinyData(1, seed: 5);
        var pixels = new float[3 * 144];
        for (int i = 0; i < 3; i++) Array.Copy(image.Pixels, 0, pixels, i * 144, 144);
        return new LabeledImages(pixels, [0, 1, 2], 1, 12, 12, image.ClassNames);
    }

    [Fact]
    public void EqualHoldoutAccuracyKeepsTheLaterEpoch()
    {
        var options = new TrainingOptions { Epochs = 4, BatchSize = 16, Seed = 3, Threads = 1 };
        var result = NetworkTrainer.Train(Tiny, DMaskingSearchTests.TinyData(), ConstantAccuracyHoldout(), options);
        result.Network.Dispose();
        Assert.All(result.History, h => Assert.Equal(1.0 / 3, h.ValidationAccuracy!.Value, 12));
        Assert.Equal(4, result.BestEpoch);
    }

    [Fact]
    public void EarlyStoppingCountsFromTheLastStrictImprovement()
    {
        // Ties keep the later weights but are not improvements: with patience 2 the run stops at epoch 3 (1 + 2).
        var options = new TrainingOptions { Epochs = 6, BatchSize = 16, Seed = 3, Threads = 1, EarlyStoppingPatience = 2 };
        var result = NetworkTrainer.Train(Tiny, DMaskingSearchTests.TinyData(), ConstantAccuracyHoldout(), options);
        result.Network.Dispose();
        Assert.Equal(3, result.History.Count);
        Assert.Equal(3, result.BestEpoch);
    }

    [Fact]
    public void LearningRateWarmsUpThenFollowsACosine()
    {
        Assert.Equal(0.05, NetworkTrainer.LearningRateAt(0, 100, 2, 0.1), 12);
        Assert.Equal(0.1, NetworkTrainer.LearningRateAt(1, 100, 2, 0.1), 12);
        Assert.Equal(0.1, NetworkTrainer.LearningRateAt(2, 100, 2, 0.1), 12);
        Assert.Equal(0.05, NetworkTrainer.LearningRateAt(51, 100, 2, 0.1), 12);
        Assert.True(NetworkTrainer.LearningRateAt(99, 100, 2, 0.1) < 1e-3);
    }
}
