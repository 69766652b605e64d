using FBNetV2.MLNet.Benchmarks;

// Benchmarks that print figures; each command says what it measures. CommandLine holds each command's flags; scaling-one,
// the child process scaling starts per grid point, takes positional arguments and is not in it.
string? command = args.FirstOrDefault();
var flags = new Dictionary<string, string>();
if (command is not null && CommandLine.Commands.Any(c => c.Name == command))
{
    if (CommandLine.AsksForHelp(args))
    {
        Console.WriteLine(CommandLine.UsageOf(command));
        return 0;
    }
    try { flags = CommandLine.Parse(args); }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}
switch (command)
{
    case "scaling": SearchScaling.Run(flags); break;
    case "scaling-one": SearchScaling.RunOne(args[1], int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 ? int.Parse(args[4]) : 5); break;
    case "train-throughput": TrainingThroughput.Run(flags); break;
    case "peer-throughput": return PeerThroughput.Run(flags);
    case "fashion-train": FashionTraining.Run(flags); break;
    case "recipe-ablation": RecipeAblation.Run(flags); break;
    case "fashion-search": FashionSearch.Run(flags); break;
    case "search-diag": SearchDiagnostics.Run(flags); break;
    case "classic": ClassicBaselines.Run(flags); break;
    case "fuzz": return Fuzz.Run(flags);
    case "latency": LatencyAccuracy.Run(flags); break;
    case "latency-search": LatencySearch.Run(flags); break;
    case "latency-noise": LatencyNoise.Run(flags); break;
    case "plot": Plots.Run(flags); break;
    case "network-latency": NetworkLatency.Run(flags); break;
    case "allocation": Allocation.Run(flags); break;
    case "photo-folder": PhotoFolder.Run(flags); break;
    case "photo-pipeline": PhotoPipeline.Run(flags); break;
    case "batch-memory": BatchMemory.Run(flags); break;
    case "supernet-step": SupernetStep.Run(flags); break;
    case "step-probe": StepProbeSpread.Run(flags); break;
    case "scalar-race": ScalarRace.Run(flags); break;
    default:
        Console.WriteLine(CommandLine.Usage);
        return 2;
}
return 0;
