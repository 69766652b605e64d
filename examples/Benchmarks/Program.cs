using FBNetV2.MLNet.Benchmarks;

// Benchmarks that print figures; each command says what it measures.
switch (args.FirstOrDefault())
{
    case "scaling": SearchScaling.Run(Options(args)); break;
    case "scaling-one": SearchScaling.RunOne(args[1], int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 ? int.Parse(args[4]) : 5); break;
    case "train-throughput": TrainingThroughput.Run(Options(args)); break;
    case "peer-throughput": return PeerThroughput.Run(Options(args));
    case "fashion-train": FashionTraining.Run(Options(args)); break;
    case "recipe-ablation": RecipeAblation.Run(Options(args)); break;
    case "fashion-search": FashionSearch.Run(Options(args)); break;
    case "search-diag": SearchDiagnostics.Run(Options(args)); break;
    case "classic": ClassicBaselines.Run(Options(args)); break;
    case "fuzz": return Fuzz.Run(Options(args));
    case "latency": LatencyAccuracy.Run(Options(args)); break;
    case "latency-search": LatencySearch.Run(Options(args)); break;
    case "latency-noise": LatencyNoise.Run(Options(args)); break;
    case "plot": Plots.Run(Options(args)); break;
    case "network-latency": NetworkLatency.Run(Options(args)); break;
    case "allocation": Allocation.Run(Options(args)); break;
    case "photo-folder": PhotoFolder.Run(Options(args)); break;
    case "photo-pipeline": PhotoPipeline.Run(Options(args)); break;
    case "batch-memory": BatchMemory.Run(Options(args)); break;
    case "supernet-step": SupernetStep.Run(Options(args)); break;
    case "step-probe": StepProbeSpread.Run(Options(args)); break;
    case "scalar-race": ScalarRace.Run(Options(args)); break;
    default:
        Console.WriteLine("usage: dotnet run --project examples/Benchmarks -c Release -- scaling [--resolution-options 1,2,4] [--channel-options 1,2,4,8,16,32] [--steps 5] [--csv F] | train-throughput [--rounds 1] [--steps 10] [--batch 128] [--only Compact-S;supernet] [--csv F] | peer-throughput [--rounds 3] [--steps 10] [--archs Compact-S;Compact-M;HandCNN-28] [--threads 2] [--python /usr/bin/python3] [--peer torch|none] [--csv F] | fashion-train [--arch Compact-M] [--match-mflops M] [--epochs 12] [--threads 0] [--csv F] [--dataset fashion|shapes|digits] [--data DIR] [--train-images N] [--test-images N] [--wd W] [--ema D] [--erase P] [--erase-max-area A] [--label-smoothing S] [--dropout P] [--refit 1] [--refit-only 1] [--teacher NAME|model.onnx|DIR] [--teacher-epochs N] [--kd-weight A] [--kd-temperature T] [--time-budget SECONDS] | recipe-ablation [--arch Compact-S] [--teacher Compact-M] [--train-images 6000] [--epochs 10] [--wds 5e-5,5e-4,2e-3] [--datasets fashion,digits] [--digits-epochs 30] [--data IDX-DIR] [--digits-data DIR] [--test-images N] [--threads 1] [--csv F] | classic [--data DIR] [--trainers lightgbm,sdca] [--lgbm-iterations N] [--sdca-iterations N] [--seed 1] [--threads 0] | search-diag [--data DIR] [--images 3000] [--epochs 6] [--budget-mflops 5] [--seed 1] [--batch 128] [--size S] [--proxy 3] [--train-epochs N] [--baselines HandCNN-28,MobileNetV3-Small-28] [--searched ARCH] | fashion-search [--dataset fashion|shapes|digits] [--data DIR] [--budget-mflops 5] [--search-images N] [--search-epochs N] [--candidates 4] [--proxy 3] [--widest-warmup 0|1] [--train-epochs N] [--random 3] [--seed 1] [--threads 0] [--csv F] | fuzz [--count 500] [--seed 1] | latency [--networks 20] [--threads 1] [--repeats 50] [--rounds 3] [--warmup 10] [--grid-points 3] [--network-rounds 3] [--table PATH] [--rebuild 1] [--csv F] | latency-search [--budget-ms 0.15|space] [--search-images 3000] [--search-epochs 3] [--candidates 4] [--proxy 3] [--train-epochs 1] [--threads 1] [--repeats 50] [--rounds 3] [--warmup 10] [--grid-points 3] [--data DIR] [--table PATH] | latency-noise [--seconds 30] [--threads 1] | plot [--data docs/data] [--out docs/plots] | network-latency [--archs Compact-S;HandCNN-28@4.885;ARCH] [--threads 1] [--rounds 5] [--repeats 50] [--warmup 10] | allocation [--archs Compact-M;MobileNetV3-Small-28@4.964;ARCH] | photo-folder --out DIR [--data IDX-DIR] [--size 160] [--train 400] [--test 120] [--classes 0,2,3,4,6] [--seed 1] | photo-pipeline --data DIR [--size 224] [--minutes 15] [--threads N] [--arch NAME] [--crop-padding P] [--seed 1] | batch-memory [--mode batches|forward|train|search|share] [--size 224] [--batch 48] [--batches 60] [--arch ARCH] | supernet-step [--preset photo|compact] [--size 96] [--batch 32] [--steps 4] [--rounds 2] | step-probe [--size 224] [--classes 5] [--batch 128] [--search-batch 24] [--steps 10] | scalar-race [--seconds 20]");
        return 2;
}
return 0;

static Dictionary<string, string> Options(string[] args)
{
    var d = new Dictionary<string, string>();
    for (int i = 1; i + 1 < args.Length; i += 2) d[args[i].TrimStart('-')] = args[i + 1];
    return d;
}
