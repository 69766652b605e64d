using FBNetV2.MLNet.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops after the current batch and exits 130; a second one ends the process at once.
    if (cancel.IsCancellationRequested) return;
    e.Cancel = true;
    cancel.Cancel();
    Console.Error.WriteLine("Cancelling after the current batch... (Ctrl+C again to stop at once)");
};
return FBNetCli.Run(args, Console.Out, Console.Error, cancel.Token);
