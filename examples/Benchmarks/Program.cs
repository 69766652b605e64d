using FBNetV2.MLNet.Benchmarks;

// Benchmarks that print figures; each command says what it measures.
switch (args.FirstOrDefault())
{
    case "scaling": SearchScaling.Run(); break;
    case "scaling-one": SearchScaling.RunOne(args[1], int.Parse(args[2]), int.Parse(args[3])); break;
    default:
        Console.WriteLine("usage: dotnet run --project examples/Benchmarks -c Release -- <scaling>");
        return 2;
}
return 0;
