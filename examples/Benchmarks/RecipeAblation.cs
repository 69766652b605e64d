using System.Globalization;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Which ingredient of the training recipe buys how much: one seed per row, a class-balanced subsample and a fixed
/// short schedule (labelled as such in the output), rows added one ingredient at a time, wall time per row. The
/// weight-decay rows run on Fashion-MNIST and on a second data set (the digits folder or the synthetic shapes); the decay with the best holdout accuracy
/// (never the test accuracy) on Fashion-MNIST carries into the refit and distillation rows.
/// </summary>
internal static class RecipeAblation
{
    public const string CsvHeader = "dataset,row,wd,ema,erase,refit,teacher,train_images,epochs,holdout_accuracy,test_accuracy,best_epoch,seconds,teacher_seconds";

    public static void Run(Dictionary<string, string> a)
    {
        string arch = a.GetValueOrDefault("arch", "Compact-S"), teacher = a.GetValueOrDefault("teacher", "Compact-M");
        string images = a.GetValueOrDefault("train-images", "6000"), epochs = a.GetValueOrDefault("epochs", "10");
        string[] decays = a.GetValueOrDefault("wds", "5e-5,5e-4,2e-3").Split(',');
        string[] datasets = a.GetValueOrDefault("datasets", "fashion,digits").Split(',');
        string? csv = a.GetValueOrDefault("csv");
        var common = new Dictionary<string, string>
        {
            ["arch"] = arch, ["epochs"] = epochs, ["train-images"] = images, ["test-images"] = a.GetValueOrDefault("test-images", "10000"),
            ["digits-epochs"] = a.GetValueOrDefault("digits-epochs", "30"),
            ["seed"] = a.GetValueOrDefault("seed", "1"), ["threads"] = a.GetValueOrDefault("threads", "1"),
        };
        // --data: the Fashion-MNIST IDX folder; --digits-data: the second data set's image folder (each its loader's default otherwise).
        if (a.TryGetValue("data", out var fashionData)) common["fashion-data"] = fashionData;
        if (a.TryGetValue("digits-data", out var digitsData)) common["digits-data"] = digitsData;
        Console.WriteLine($"Recipe ablation: {arch}, {images} training images (class-balanced subsample), fixed {epochs}-epoch schedule, one seed per row.");
        var table = new List<string>();
        FashionTraining.Outcome Row(string dataset, string row, Dictionary<string, string> flags)
        {
            var f = new Dictionary<string, string>(common) { ["dataset"] = dataset };
            // The digits folder is small (1260 training images): it gets its whole training set and a longer schedule.
            if (dataset == "digits") { f.Remove("train-images"); f["epochs"] = f["digits-epochs"]; }
            if (f.TryGetValue(dataset + "-data", out var folder)) f["data"] = folder;
            foreach (var kv in flags) f[kv.Key] = kv.Value;
            Console.WriteLine($"== {dataset}: {row}");
            var o = FashionTraining.RunOne(f);
            string G(string k) => f.GetValueOrDefault(k, "default");
            ResultCsv.Append(csv, CsvHeader, dataset, row.Replace(',', ';'), G("wd"), G("ema"), G("erase"), G("refit"), G("teacher"), f.GetValueOrDefault("train-images", "all"), f["epochs"],
                o.Holdout ?? double.NaN, o.Test, o.BestEpoch, (int)o.Seconds, (int)o.TeacherSeconds);
            table.Add(FormattableString.Invariant($"| {dataset} | {row} | {f.GetValueOrDefault("train-images", "all")} x {f["epochs"]} | {o.Holdout:P2} | {o.Test:P2} | {o.BestEpoch} | {TimeSpan.FromSeconds(o.Seconds):mm\\:ss} |"));
            return o;
        }

        var off = new Dictionary<string, string> { ["ema"] = "0", ["erase"] = "0" };
        string chosen = decays[0];
        foreach (var dataset in datasets)
        {
            if (dataset == "fashion")
            {
                Row(dataset, "old recipe (wd 5e-5, no EMA, no erasing)", new(off) { ["wd"] = "5e-5" });
                Row(dataset, "+ EMA 0.999 (warm-up)", new() { ["wd"] = "5e-5", ["erase"] = "0" });
            }
            double best = -1;
            foreach (var wd in decays)
            {
                var o = Row(dataset, $"EMA + erasing 0.25, wd {wd}", new() { ["wd"] = wd, ["erase"] = "0.25" });
                if (dataset == "fashion" && o.Holdout > best) { best = o.Holdout.Value; chosen = wd; }
            }
            if (dataset == "fashion")
            {
                Row(dataset, $"EMA + erasing, wd {chosen} + refit on train + holdout", new() { ["wd"] = chosen, ["erase"] = "0.25", ["refit"] = "1" });
                Row(dataset, $"EMA + erasing, wd {chosen} + distillation from {teacher} (a 0.5, T 4)", new() { ["wd"] = chosen, ["erase"] = "0.25", ["teacher"] = teacher });
            }
        }
        Console.WriteLine();
        Console.WriteLine("| data | row | images x epochs | holdout | test | best epoch | wall time |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var line in table) Console.WriteLine(line);
    }
}
