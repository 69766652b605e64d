using FBNetV2.MLNet.Cli;
using SkiaSharp;

namespace FBNetV2.MLNet.Tests.Cli;

/// <summary>Runs the fbnet command line in-process and captures what it prints.</summary>
public static class Fbnet
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
    }

    public static Result Run(params string[] args) => Run(CancellationToken.None, args);

    public static Result Run(CancellationToken cancellationToken, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = FBNetCli.Run(args, stdout, stderr, cancellationToken);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// An RGB image folder that is not in the repository: <paramref name="perClass"/> 40x40 PNGs of each of three
    /// classes (a red disc, a green square, a blue triangle) at varying places and sizes on a gray, noisy background.
    /// </summary>
    public static string ShapesFolder(string root, int perClass = 20)
    {
        var random = new Random(7);
        foreach (var shape in new[] { "disc", "square", "triangle" })
        {
            string folder = Directory.CreateDirectory(Path.Combine(root, shape)).FullName;
            for (int i = 0; i < perClass; i++)
            {
                using var bitmap = new SKBitmap(new SKImageInfo(40, 40, SKColorType.Rgba8888, SKAlphaType.Opaque));
                using (var canvas = new SKCanvas(bitmap))
                {
                    byte g = (byte)random.Next(90, 160);
                    canvas.Clear(new SKColor(g, g, g));
                    float cx = random.Next(14, 26), cy = random.Next(14, 26), r = random.Next(7, 12);
                    using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
                    switch (shape)
                    {
                        case "disc":
                            paint.Color = new SKColor(220, 40, 40);
                            canvas.DrawCircle(cx, cy, r, paint);
                            break;
                        case "square":
                            paint.Color = new SKColor(40, 200, 60);
                            canvas.DrawRect(cx - r, cy - r, 2 * r, 2 * r, paint);
                            break;
                        default:
                            paint.Color = new SKColor(40, 70, 230);
                            using (var path = new SKPath())
                            {
                                path.MoveTo(cx, cy - r);
                                path.LineTo(cx + r, cy + r);
                                path.LineTo(cx - r, cy + r);
                                path.Close();
                                canvas.DrawPath(path, paint);
                            }
                            break;
                    }
                }
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, $"{shape}-{i:D2}.png"), data.ToArray());
            }
        }
        return root;
    }
}
