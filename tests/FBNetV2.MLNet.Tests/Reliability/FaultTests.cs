using System.Diagnostics;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Tests.Search;
using FBNetV2.MLNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace FBNetV2.MLNet.Tests.Reliability;

/// <summary>
/// Cancellation at every step of a tiny search and a tiny training, resume after it, a writer killed mid-checkpoint
/// (simulated by the partial .tmp it leaves), and a full disk (/dev/full, and a 4 KiB tmpfs where mounting works).
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly LabeledImages SearchData = DMaskingSearchTests.TinyData(perClass: 12, seed: 2);

    /// <summary>4 epochs of 4 weight steps (28 images, batch 8) and up to 3 candidates: 19 checks plus 4 epoch ends.</summary>
    private static SearchOptions Search(string? checkpoint) => new()
    {
        Budget = DMaskingSearchTests.LargestCost(DMaskingSearchTests.TinySpace()), Epochs = 4, WarmupEpochs = 1, BatchSize = 8, SampledCandidates = 2, CalibrationBatches = 1,
        Seed = 11, Threads = 1, CheckpointDirectory = checkpoint,
    };

    private static SearchResult RunSearch(SearchOptions o, CancellationToken token = default) =>
        DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), SearchData, o, token);

    private static void AssertSameSearch(SearchResult expected, SearchResult actual, string what)
    {
        Assert.True(expected.Architecture.ToString() == actual.Architecture.ToString(), $"{what}: {actual.Architecture} instead of {expected.Architecture}");
        Assert.Equal(expected.History.Select(h => h.WeightLoss), actual.History.Select(h => h.WeightLoss));
        Assert.Equal(expected.History.Select(h => h.ArchitectureLoss), actual.History.Select(h => h.ArchitectureLoss));
        Assert.Equal(expected.Candidates.Select(c => (c.Architecture.ToString(), c.InheritedAccuracy)), actual.Candidates.Select(c => (c.Architecture.ToString(), c.InheritedAccuracy)));
    }

    [Fact]
    public void Search_cancelled_at_every_step_resumes_to_the_uninterrupted_result()
    {
        var clock = Stopwatch.StartNew();
        int checks = 0;
        var reference = Search(null);
        reference.OnCancellationCheck = () => checks++;
        var full = RunSearch(reference);
        int epochs = full.History.Count;

        // Points: the k-th cancellation check (every weight step, every candidate), then each epoch's progress report.
        var points = Enumerable.Range(1, checks).Select(k => (Step: k, Epoch: 0))
            .Concat(Enumerable.Range(1, epochs).Select(e => (Step: 0, Epoch: e))).ToList();
        Assert.True(points.Count >= 20, $"only {points.Count} cancellation points");
        foreach (var (step, epoch) in points)
        {
            string what = step > 0 ? $"cancelled at check {step} of {checks}" : $"cancelled from the progress report of epoch {epoch}";
            using var dir = new TempDirectory();
            using var cts = new CancellationTokenSource();
            var o = Search(dir.Path);
            int seen = 0, finished = 0;
            o.OnCancellationCheck = () => { if (++seen == step) cts.Cancel(); };
            o.Progress = new SyncProgress<SearchProgress>(p => { finished = p.Epoch; if (p.Epoch == epoch) cts.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => RunSearch(o, cts.Token));

            // Consistent workspace: at most the checkpoint itself, never a leftover temporary file.
            var files = Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ToArray();
            Assert.True(files.Length == (finished > 0 ? 1 : 0) && files.All(f => f == SearchCheckpoint.FileName), $"{what}: workspace holds [{string.Join(", ", files)}]");

            int resumedFrom = -1;
            var resume = Search(dir.Path);
            resume.Progress = new SyncProgress<SearchProgress>(p => { if (resumedFrom < 0) resumedFrom = p.Epoch - 1; });
            var resumed = RunSearch(resume);
            Assert.True(resumedFrom == finished || (resumedFrom < 0 && finished == epochs), $"{what}: resumed after epoch {resumedFrom}, expected {finished}");
            AssertSameSearch(full, resumed, what);
        }
        output.WriteLine($"{points.Count} cancellation points ({checks} checks, {epochs} epoch reports), each resumed to the uninterrupted result, in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Training_cancelled_at_every_step_leaves_nothing_behind_and_a_rerun_matches()
    {
        var clock = Stopwatch.StartNew();
        var data = BadInputCatalogTests.TinyImages(16);
        TrainingOptions Options() => new() { Epochs = 5, BatchSize = 4, WarmupEpochs = 1, Seed = 3, Threads = 1, RandomCropPadding = 1 };
        int checks = 0;
        var reference = Options();
        reference.OnCancellationCheck = () => checks++;
        var full = NetworkTrainer.Train(BadInputCatalogTests.TinyArch, data, null, reference);
        full.Network.Dispose();

        var points = Enumerable.Range(1, checks).Select(k => (Step: k, Epoch: 0))
            .Concat(Enumerable.Range(1, full.History.Count - 1).Select(e => (Step: 0, Epoch: e))).ToList();
        Assert.True(points.Count >= 20, $"only {points.Count} cancellation points");
        foreach (var (step, epoch) in points)
        {
            using var cts = new CancellationTokenSource();
            var o = Options();
            int seen = 0;
            o.OnCancellationCheck = () => { if (++seen == step) cts.Cancel(); };
            o.Progress = new SyncProgress<TrainingProgress>(p => { if (p.Epoch == epoch) cts.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => NetworkTrainer.Train(BadInputCatalogTests.TinyArch, data, null, o, cts.Token));
        }
        // Cancellation left no process-wide state behind: the same seed still trains to the same result.
        var again = NetworkTrainer.Train(BadInputCatalogTests.TinyArch, data, null, Options());
        again.Network.Dispose();
        Assert.Equal(full.History.Select(h => h.TrainLoss), again.History.Select(h => h.TrainLoss));
        output.WriteLine($"{points.Count} training cancellation points in {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void Writer_killed_mid_checkpoint_leaves_the_previous_one_loadable(int epochsBeforeKill)
    {
        var full = RunSearch(Search(null));
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, SearchCheckpoint.FileName);
        byte[] complete;
        if (epochsBeforeKill > 0)
        {
            using var cts = new CancellationTokenSource();
            var o = Search(dir.Path);
            o.Progress = new SyncProgress<SearchProgress>(p => { if (p.Epoch == epochsBeforeKill) cts.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => RunSearch(o, cts.Token));
            complete = File.ReadAllBytes(path);
        }
        else
        {
            // Killed while writing the very first checkpoint: take the bytes of a complete one from another folder.
            using var other = new TempDirectory();
            var o = Search(other.Path);
            o.Epochs = full.History.Count;
            RunSearch(o);
            complete = File.ReadAllBytes(Path.Combine(other.Path, SearchCheckpoint.FileName));
        }
        // What SIGKILL during Save leaves: a partial search.ckpt.tmp next to the intact search.ckpt (if any).
        File.WriteAllBytes(path + ".tmp", complete[..(complete.Length * 2 / 5)]);

        int resumedFrom = -1;
        var resume = Search(dir.Path);
        resume.Progress = new SyncProgress<SearchProgress>(p => { if (resumedFrom < 0) resumedFrom = p.Epoch - 1; });
        AssertSameSearch(full, RunSearch(resume), $"killed after {epochsBeforeKill} epochs");
        Assert.Equal(epochsBeforeKill, resumedFrom);
        Assert.False(File.Exists(path + ".tmp"), "the stale .tmp was not replaced");
        Assert.Equal([SearchCheckpoint.FileName], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Checkpoint_is_replaced_by_rename_never_rewritten_in_place()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, SearchCheckpoint.FileName);
        FileStream? old = null;
        byte[]? snapshot = null;
        var o = Search(dir.Path);
        o.Epochs = 2;
        // Epoch 2's report comes before its save: hold the epoch-1 file open across that save.
        o.Progress = new SyncProgress<SearchProgress>(p =>
        {
            if (p.Epoch != 2) return;
            old = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            snapshot = ReadAll(old);
        });
        try
        {
            RunSearch(o);
            Assert.NotNull(old);
            // An in-place write would have truncated and rewritten the file behind the open handle.
            Assert.Equal(snapshot, ReadAll(old!));
            Assert.NotEqual(snapshot, File.ReadAllBytes(path));
        }
        finally
        {
            old?.Dispose();
        }
    }

    private static byte[] ReadAll(FileStream stream)
    {
        stream.Position = 0;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void Full_disk_while_saving_keeps_the_previous_checkpoint()
    {
        var full = RunSearch(Search(null));
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, SearchCheckpoint.FileName);
        var o = Search(dir.Path);
        // Before epoch 2's save, point the temporary file at /dev/full: every write fails with ENOSPC.
        o.Progress = new SyncProgress<SearchProgress>(p => { if (p.Epoch == 2) File.CreateSymbolicLink(path + ".tmp", "/dev/full"); });
        var e = BadInputCatalogTests.Clear<IOException>(() => RunSearch(o),
            "Could not write the search checkpoint for epoch 2", "The previous checkpoint is kept", "Free disk space");
        Assert.Contains("No space left", e.Message);
        Assert.Equal([SearchCheckpoint.FileName], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        AssertSameSearch(full, RunSearch(Search(dir.Path)), "after a full disk");
    }

    [RequiresFact(Prerequisite.MountTmpfs)]
    public void Full_tmpfs_gives_a_clear_error()
    {
        using var dir = new TempDirectory();
        var mount = dir.Folder("tiny");
        Assert.True(FileSystemFaults.Mount(mount, "size=4k"), "mount -t tmpfs failed although the probe succeeded");
        output.WriteLine($"mounted a 4 KiB tmpfs at {mount}");
        try
        {
            BadInputCatalogTests.Clear<IOException>(() => RunSearch(Search(mount)),
                "Could not write the search checkpoint for epoch 1", "No space left", "Free disk space");
            Assert.Empty(Directory.GetFileSystemEntries(mount));
        }
        finally
        {
            FileSystemFaults.Unmount(mount);
        }
    }
}
