using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Training;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.MLNet;

/// <summary>
/// The fit planner's pieces: native shape errors become messages that name the network and the input; the batch that
/// fits a limit is the arithmetic of the measured figures. (The measured memory per image is in
/// <see cref="StepMemoryTests"/>, which runs alone.)
/// </summary>
public class FitPlanTests
{
    [Fact]
    public void ANativeShapeErrorBecomesAMessageNamingTheNetworkAndInput()
    {
        var e = Assert.Throws<InvalidOperationException>(() => FitPlan.Guard("network ir_k3_test", 3, 96, () =>
        {
            // An elementwise add (its native wrapper reports the error; some others, such as matmul, abort the process).
            using var a = ones(2, 160);
            using var b = ones(2, 112);
            return a.Plus(b).sum().item<float>();
        }));
        Assert.Contains("network ir_k3_test", e.Message);
        Assert.Contains("3x96x96", e.Message);
        Assert.Contains("bug in the library", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
        Assert.IsAssignableFrom<System.Runtime.InteropServices.ExternalException>(e.InnerException);
    }

    /// <summary>
    /// libtorch running out of memory (the CUDA and the CPU allocator's words) is the machine's limit, not a library
    /// bug: an InsufficientMemoryException that names the run and says what to lower.
    /// </summary>
    [Theory]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total capacity)")]
    [InlineData("[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: not enough memory: you tried to allocate 9663676416 bytes.")]
    public void Running_out_of_memory_is_reported_as_such_with_what_to_lower(string native)
    {
        var e = Assert.Throws<InsufficientMemoryException>(() => FitPlan.Guard<int>("training network ir_k3_test", 3, 224,
            () => throw new System.Runtime.InteropServices.ExternalException(native + "\nException raised from malloc at frame #0")));
        Assert.Contains("training network ir_k3_test ran out of memory on a 3x224x224 input", e.Message);
        Assert.Contains("Lower BatchSize", e.Message);
        Assert.DoesNotContain("bug in the library", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
    }

    /// <summary>
    /// A run's time budget covers its baselines: each gets as long as the run's own final training (half of a search's
    /// fit, all of a training's), so a search with k baselines fits in 2 / (2 + k) of the time, a training in 1 / (1 + k).
    /// </summary>
    [Theory]
    [InlineData(true, 0, 60.0)]
    [InlineData(true, 2, 30.0)]
    [InlineData(false, 0, 60.0)]
    [InlineData(false, 2, 20.0)]
    public void A_run_with_baselines_gives_its_fit_a_share_of_the_time(bool searched, int baselines, double minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), FBNetV2.MLNet.Runs.FBNetRun.FitShare(TimeSpan.FromMinutes(60), searched, baselines));

    /// <summary>
    /// Training pixels beyond 0.25 GB come off the search step's 1.5 GB default cap, down to 0.5 GB: 2,000 images at 96 px
    /// (0.2 GB) keep it; 1,800 at 224 px (1.084 GB) leave 0.666 GB; 5 GB of pixels leave the floor.
    /// </summary>
    [Theory]
    [InlineData(0.199e9, 1.5e9)]
    [InlineData(1.084e9, 0.666e9)]
    [InlineData(5e9, 0.5e9)]
    public void PixelsHeldBeyondTheAllowanceComeOffTheSearchMemoryCap(double pixels, double cap) =>
        Assert.Equal(cap, FitPlan.DefaultSearchMemoryCap(pixels), 0);

    [Fact]
    public void TheBatchThatFitsIsTheLargestWithinTheLimit()
    {
        var step = new StepFootprint(FixedBytes: 100e6, BytesPerImage: 40e6, SecondsPerImage: 0.01, TimedBatch: 8);
        Assert.Equal(47, step.LargestBatchWithin(2e9));
        Assert.True(step.BytesAt(47) <= 2e9 && step.BytesAt(48) > 2e9);
        Assert.Equal(0, step.LargestBatchWithin(50e6));
    }

    /// <summary>
    /// A time budget shapes the training schedule: with MaxEpochs unset it plans as many epochs as the measured step
    /// time fits (here a tiny network on 40 images and an hour: the cap), with MaxEpochs set at most that, and without
    /// a budget the default 30.
    /// </summary>
    [Fact]
    public void ATimeBudgetPlansTheEpochsThatFitUnlessMaxEpochsIsSet()
    {
        var arch = PredefinedArchitectures.Get("Compact-S");
        var env = new Microsoft.ML.MLContext(1);
        using var channel = ((Microsoft.ML.Runtime.IChannelProvider)env).Start("test");
        var hour = DateTime.UtcNow.AddHours(1);

        Assert.Equal(FBNetOptions.DefaultMaxEpochs, FitPlan.Training(arch, new TrainFBNetOptions(), 40, 4, null, channel).Epochs);
        Assert.Equal(7, FitPlan.Training(arch, new TrainFBNetOptions { MaxEpochs = 7 }, 40, 4, null, channel).Epochs);
        Assert.Equal(FBNetOptions.TimeBudgetMaxEpochs, FitPlan.Training(arch, new TrainFBNetOptions(), 40, 4, hour, channel).Epochs);
        Assert.Equal(7, FitPlan.Training(arch, new TrainFBNetOptions { MaxEpochs = 7 }, 40, 4, hour, channel).Epochs);
        // Three seconds for 40 images of a network that takes about 1 ms per image (measured: about 60 epochs): fewer
        // than the cap, at least one.
        int planned = FitPlan.Training(arch, new TrainFBNetOptions(), 40, 4, DateTime.UtcNow.AddSeconds(3), channel).Epochs;
        Assert.InRange(planned, 1, FBNetOptions.TimeBudgetMaxEpochs - 1);
    }

    /// <summary>
    /// The plan leaves the shares a teacher trained first and a refit take of the time (half for the teacher, as
    /// RecipeSettings.CreateTeacher gives it; train / (2 train + validation) of the rest for the first of the two refit
    /// runs, as NetworkTrainer splits it), so the cosine is planned for the time the first training really has. A saved
    /// teacher costs no training, and a refit without validation data does not run.
    /// </summary>
    [Fact]
    public void The_training_plan_leaves_the_teachers_and_the_refits_shares_of_the_time()
    {
        string saved = Path.Combine(Path.GetTempPath(), $"fbnet-teacher-{Guid.NewGuid():N}.onnx");
        Assert.Equal(1.0, FitPlan.TrainingShare(new TrainFBNetOptions(), 900, 100).Share);
        Assert.Equal(0.5, FitPlan.TrainingShare(new TrainFBNetOptions { Teacher = "Compact-M" }, 900, 100).Share);
        Assert.Equal(1.0, FitPlan.TrainingShare(new TrainFBNetOptions { Teacher = saved }, 900, 100).Share);
        Assert.Equal(900.0 / 1900, FitPlan.TrainingShare(new TrainFBNetOptions { RefitOnAllData = true }, 900, 100).Share, 12);
        Assert.Equal(1.0, FitPlan.TrainingShare(new TrainFBNetOptions { RefitOnAllData = true }, 900, 0).Share);
        var both = FitPlan.TrainingShare(new TrainFBNetOptions { Teacher = "Compact-M", RefitOnAllData = true }, 900, 100);
        Assert.Equal(0.5 * 900 / 1900, both.Share, 12);
        Assert.Equal(["the teacher trained first", "the refit"], both.Others);
    }
}
