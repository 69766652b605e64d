using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Full Fashion-MNIST (or --dataset shapes|digits, as fashion-train): a budgeted DMaskingNAS search, the derived
/// architecture trained from scratch, against random architectures drawn uniformly from the same space under the same
/// budget and trained with the same recipe.
/// </summary>
internal static class FashionSearch
{
    public static void Run(Dictionary<string, string> a)
    {
        double budget = double.Parse(a.GetValueOrDefault("budget-mflops", "5")) * 1e6;
        int searchImages = int.Parse(a.GetValueOrDefault("search-images", "60000"));
        int searchEpochs = int.Parse(a.GetValueOrDefault("search-epochs", "6"));
        int trainEpochs = int.Parse(a.GetValueOrDefault("train-epochs", "8"));
        int randoms = int.Parse(a.GetValueOrDefault("random", "3"));
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"));
        int threads = int.Parse(a.GetValueOrDefault("threads", "0"));
        var (train, test, dataName) = FashionTraining.LoadAll(a);
        var space = SearchSpace.Compact(train.Channels, train.Height, train.ClassNames.Length);
        Console.WriteLine($"{dataName} search: space 10^{space.Log10Size:F1}, budget {budget / 1e6} MFLOPs, search on {searchImages} images x {searchEpochs} epochs, final training {trainEpochs} epochs on {train.Count}, test on {test.Count}");

        var searchData = searchImages >= train.Count ? train : train.Split((double)searchImages / train.Count, seed).a;
        var clock = Stopwatch.StartNew();
        var result = DMaskingSearch.Run(space, searchData, new SearchOptions
        {
            Budget = budget, Epochs = searchEpochs, WarmupEpochs = Math.Max(1, searchEpochs / 3), Seed = seed, Threads = threads,
            // --candidates N sampled besides the argmax, --proxy N of them ranked by a short training (the library's defaults otherwise).
            SampledCandidates = a.TryGetValue("candidates", out var sampled) ? int.Parse(sampled) : new SearchOptions().SampledCandidates,
            ProxyCandidates = a.TryGetValue("proxy", out var proxy) ? int.Parse(proxy) : new SearchOptions().ProxyCandidates,
            WidestWidthWarmup = RecipeFlags.Switch(a, "widest-warmup", false),
            SandwichWeightSteps = RecipeFlags.Switch(a, "sandwich", false),
            GlobalArchitectureSecondMoment = RecipeFlags.Switch(a, "global-arch-moment", false),
            // --travel T: how far a logit with a steady gradient can move over the search (SearchOptions.ArchitectureTravel).
            ArchitectureTravel = a.TryGetValue("travel", out var travel) ? double.Parse(travel, System.Globalization.CultureInfo.InvariantCulture) : new SearchOptions().ArchitectureTravel,
            // --param-weight W: the parameters term (E[parameters])^-W in the architecture loss (SearchOptions.ParameterWeight).
            ParameterWeight = a.TryGetValue("param-weight", out var pw) ? double.Parse(pw, System.Globalization.CultureInfo.InvariantCulture) : new SearchOptions().ParameterWeight,
            // --checkpoint DIR: the search's per-epoch checkpoint; a finished search found there is not run again, only
            // derived and ranked, so derivation settings (--fill, --candidates, --proxy) can be compared on one distribution.
            CheckpointDirectory = a.GetValueOrDefault("checkpoint"),
            // --fill F: the share of the budget the derivation grows candidates to (0.9 before session 27).
            DerivationFill = a.TryGetValue("fill", out var fill) ? double.Parse(fill, System.Globalization.CultureInfo.InvariantCulture) : new SearchOptions().DerivationFill,
            Progress = new Progress<SearchProgress>(p => Console.WriteLine("  " + p)),
            CandidateProgress = new Progress<CandidateScore>(c => Console.WriteLine("  " + c)),
        });
        var searchTime = clock.Elapsed;
        // Every candidate's network, in rank order, so that any of them can be trained with fashion-train afterwards
        // (does the ranking survive training from scratch?).
        for (int i = 0; i < result.Candidates.Count; i++) Console.WriteLine($"  rank {i + 1}: {result.Candidates[i].Origin} {result.Candidates[i].Architecture}");
        Console.WriteLine($"search took {searchTime:hh\\:mm\\:ss}; chosen {result.Architecture}");
        // --train-epochs 0: search (or derive again from --checkpoint) only.
        if (trainEpochs == 0) return;

        var contenders = new List<(string Name, FBNetArchitecture Arch)> { ("searched", result.Architecture) };
        var random = new Random(seed + 100);
        for (int i = 0; i < randoms; i++) contenders.Add(($"random {i + 1}", RandomWithinBudget(space, budget, random)));

        var (fit, holdout) = train.Split(0.9, seed);
        // --teacher as in fashion-train (a predefined name trained first with the same recipe, or a saved model), built
        // once and shared by every contender.
        using var teacher = a.TryGetValue("teacher", out var teacherName)
            ? RecipeFlags.Teacher(teacherName, a, fit, holdout, test, trainEpochs, seed, threads, Console.WriteLine) : null;
        Console.WriteLine($"{"model",-10} {"MFLOPs",7} {"params",8} {"test acc",9} {"train time",11}  architecture");
        foreach (var (name, arch) in contenders)
        {
            clock.Restart();
            // The recipe flags of fashion-train (--wd, --ema, --erase, --refit, --teacher, ...; the library's defaults when absent) and
            // its per-epoch progress: a 30-epoch training runs for an hour, and its log should show where it is.
            var options = RecipeFlags.Options(a, trainEpochs, seed, threads, p => Console.WriteLine($"  {name}: {p}"));
            options.Teacher = teacher;
            var trained = NetworkTrainer.Train(arch, fit, holdout, options);
            double acc = Evaluation.Accuracy(trained.Network, test);
            Console.WriteLine($"  {name}: best epoch {trained.BestEpoch} of {trained.PlannedEpochs} (holdout {trained.BestValidationAccuracy:P2}); {RecipeFlags.Describe(options)}");
            Console.WriteLine($"{name,-10} {arch.Flops / 1e6,7:F3} {arch.Parameters,8} {acc,9:P2} {clock.Elapsed,11:hh\\:mm\\:ss}  {arch}");
            ResultCsv.Append(a.GetValueOrDefault("csv"), FashionTraining.CsvHeader,
                name == "searched" ? "searched" : "random", name, seed, arch.Flops / 1e6, arch.Parameters, acc, (int)clock.Elapsed.TotalSeconds);
            trained.Network.Dispose();
        }
    }

    /// <summary>Uniform over the space's architectures that fit the budget (rejection sampling).</summary>
    public static FBNetArchitecture RandomWithinBudget(SearchSpace space, double budget, Random random)
    {
        for (int i = 0; i < 100000; i++)
        {
            var arch = ArchitectureChoice.Random(space, random).Derive(space);
            if (arch.Flops <= budget) return arch;
        }
        throw new InvalidOperationException($"No random architecture under {budget / 1e6} MFLOPs in 100000 draws.");
    }
}
