using FBNetV2.MLNet.Benchmarks;

// Benchmarks that print figures; each command says what it measures. CommandLine holds every command with the flags it
// takes; scaling-one, the child process scaling starts per grid point, takes positional arguments and is not in it.
string? name = args.FirstOrDefault();
if (name == "scaling-one")
{
    SearchScaling.RunOne(args[1], int.Parse(args[2]), int.Parse(args[3]), args.Length > 4 ? int.Parse(args[4]) : 5);
    return 0;
}
if (CommandLine.Commands.FirstOrDefault(c => c.Name == name) is not { } command)
{
    Console.WriteLine(CommandLine.Usage);
    return 2;
}
if (CommandLine.AsksForHelp(args))
{
    Console.WriteLine(CommandLine.UsageOf(command.Name));
    return 0;
}
Dictionary<string, string> flags;
try { flags = CommandLine.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
try { return command.Run(flags); }
catch (BadFlagValueException e)
{
    // A flag's value the command cannot use (a folder without the file it needs): the message, not a crash. Other
    // exceptions stay unhandled: an internal fault is not the user's input.
    Console.Error.WriteLine(e.Message);
    return 2;
}
