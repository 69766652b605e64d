using System.CommandLine;
using System.CommandLine.Help;
using FBNetV2.MLNet.Data;

namespace FBNetV2.MLNet.Cli;

/// <summary>
/// The <c>fbnet</c> command line: search, train, evaluate, predict, export, archs. <see cref="Run"/> is the whole
/// program with its streams and cancellation passed in, so tests call it in-process.
/// Exit codes: 0 success, 1 bad input or a failed run, 2 usage error, 3 internal error (a bug in fbnet or a library
/// it uses, never the user's input), 130 cancelled (Ctrl+C).
/// </summary>
public static class FBNetCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int InternalError = 3;
    public const int Cancelled = 130;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var io = new CliIO(stdout, stderr, cancellationToken);
        var root = BuildRootCommand(io);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
            string command = parse.CommandResult.Command == root ? "fbnet" : $"fbnet {parse.CommandResult.Command.Name}";
            stderr.WriteLine(parse.CommandResult.Command == root
                ? "Commands: search, train, evaluate, predict, export, archs, profile. Run 'fbnet --help' for usage."
                : $"Run '{command} --help' for usage.");
            return UsageError;
        }
        return parse.Invoke(invocation);
    }

    internal static RootCommand BuildRootCommand(CliIO io)
    {
        var root = new RootCommand("fbnet: FBNetV2 architecture search (DMaskingNAS) and training for image classification on ML.NET.")
        {
            RunCommands.Search(io),
            RunCommands.Train(io),
            ModelCommands.Evaluate(io),
            ModelCommands.Predict(io),
            ModelCommands.Export(io),
            ModelCommands.Archs(io),
            ProfileCommand.Create(io),
        };
        root.SetAction(_ =>
        {
            io.Err.WriteLine("error: no command given. Commands: search, train, evaluate, predict, export, archs, profile.");
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = io.Err, Error = io.Err });
            return UsageError;
        });
        return root;
    }

    /// <summary>Runs a command body and turns its failures into a message and an exit code.</summary>
    internal static int Guard(CliIO io, Func<int> body)
    {
        try
        {
            io.Cancel.ThrowIfCancellationRequested();
            return body();
        }
        catch (Exception e) when (IsCancellation(e))
        {
            io.Err.WriteLine("Cancelled; no results were written.");
            return Cancelled;
        }
        catch (CliInputException e)
        {
            io.Err.WriteLine($"error: {e.Message}");
            return Failure;
        }
        // InsufficientMemoryException: the library's word for libtorch running out of memory (FitPlan.Guard), with
        // what to lower; the machine's limit, not a bug.
        catch (Exception e) when (e is IOException or ArgumentException or FormatException or InvalidOperationException
                                      or UnauthorizedAccessException or System.Text.Json.JsonException or NotSupportedException
                                      or InsufficientMemoryException
                                  && !FaultOrigin.IsInternal(e))
        {
            io.Err.WriteLine($"error: {Describe(e)}");
            return Failure;
        }
        catch (Exception e)
        {
            io.Err.WriteLine($"internal error (a bug, not a problem with your input): {e.GetType().Name}: {Describe(e)}");
            if (Environment.GetEnvironmentVariable("FBNET_DEBUG") == "1") io.Err.WriteLine(e);
            else io.Err.WriteLine("Set FBNET_DEBUG=1 for the stack trace, and report it with the command line.");
            return InternalError;
        }
    }

    private static bool IsCancellation(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is OperationCanceledException) return true;
        return false;
    }

    /// <summary>The message, with the inner exception's when it adds something (ML.NET wraps the cause).</summary>
    private static string Describe(Exception e)
    {
        string message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (!message.Contains(inner.Message, StringComparison.Ordinal)) message += $" ({inner.Message})";
        return message;
    }

    /// <summary>Checks a --data folder before any work: it exists, is readable and holds something.</summary>
    internal static string RequireDataFolder(string path)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new CliInputException($"--data '{path}' is a file; expected a folder of images with one subfolder per class (or train/ and test/ holding class subfolders, or a folder of IDX files).");
        if (!Directory.Exists(full))
            throw new CliInputException($"--data folder '{path}' does not exist; expected a folder of images with one subfolder per class (or train/ and test/ holding class subfolders, or a folder of IDX files).");
        bool any;
        try { any = Directory.EnumerateFileSystemEntries(full).Any(e => !Path.GetFileName(e).StartsWith('.')); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliInputException($"--data folder '{path}' cannot be read ({e.Message}).");
        }
        if (!any)
            throw new CliInputException($"--data folder '{path}' is empty; expected one subfolder of images per class, e.g. '{Path.Combine(path, "cat", "001.png")}'.");
        return full;
    }

    /// <summary>The images an evaluation reads: the test part of a train/test folder, else every image of a class folder.</summary>
    internal static ImageFolder EvaluationImages(string path, out string description)
    {
        string full = RequireDataFolder(path);
        if (ImageFolder.HasTrainTestSplit(full))
        {
            var (_, test) = ImageFolder.ScanTrainTest(full);
            description = $"{test.Root} (the test part of {full})";
            return test;
        }
        var folder = ImageFolder.Scan(full);
        description = folder.Root;
        return folder;
    }
}

/// <summary>Where a command writes, and the token that cancels it.</summary>
internal sealed record CliIO(TextWriter Out, TextWriter Err, CancellationToken Cancel);

/// <summary>Bad input found by the CLI itself (exit code 1); the message says what is wrong and what is expected.</summary>
internal sealed class CliInputException(string message) : Exception(message);

/// <summary>Progress lines with a time stamp, on the calling thread.</summary>
internal sealed class LinePrinter(TextWriter writer) : IProgress<string>
{
    public void Report(string value)
    {
        writer.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value}");
        writer.Flush();
    }
}
