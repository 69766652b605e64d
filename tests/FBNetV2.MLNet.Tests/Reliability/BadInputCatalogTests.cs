using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Runs;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Tests.Search;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace FBNetV2.MLNet.Tests.Reliability;

/// <summary>
/// The bad-input catalogue (docs/reliability.md): each case asserts the exact exception type and that the message
/// names the problem and the fix. Cases that touch files check that nothing of the user's was overwritten.
/// </summary>
public sealed class BadInputCatalogTests
{
    /// <summary>Asserts the exact exception type and that every fragment is in the message.</summary>
    internal static T Clear<T>(Action act, params string[] fragments) where T : Exception
    {
        var e = Assert.Throws<T>(act);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e;
    }

    // ---------------- Architecture strings ----------------

    public static TheoryData<string, string, string> BadStrings => new()
    {
        { "", "empty", "Expected e.g." },
        { "in_c1_s28|conv_k3_c16", "segments", "input|stem|stage...|head|classes" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_e4_c24_x9|head_c0|cls10", "unknown field 'x9'", "'ir' tokens take: k, e, h, c, s, se, hs, relu" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_k5_e4_c24|head_c0|cls10", "repeated field 'k5'", "ir_k3_k5_e4_c24" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k4_e4_c24|head_c0|cls10", "kernel must be odd", "got 4" },
        { "in_c1_s28|conv_k3_c99999999999_s1|ir_k3_e4_c24|head_c0|cls10", "'c99999999999' is not a whole number up to 8192", "conv_k3" },
        { "in_c1_s28|conv_k3_c-1_s1|ir_k3_e4_c24|head_c0|cls10", "'c-1' is not a whole number", "conv_k3_c-1_s1" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_e1e5_c24|head_c0|cls10", "expansion 'e1e5'", "positive number up to 64" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_eNaN_c24|head_c0|cls10", "expansion 'eNaN', and 'NaN' is not a number", "expected a positive number up to 64 after 'e', e.g. e4" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_c24|head_c0|cls10", "needs an expansion (e.g. e4) or a hidden width", "ir_k3_c24" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_e4_h64_c24|head_c0|cls10", "both an expansion and a hidden width", "keep one" },
        { "in_c1_s28|conv_k3_c16_s1||head_c0|cls10", "Stage 1 is empty", "remove the segment" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_e4_c24|head_c0|classes10", "must be the class count", "cls10" },
        { "in_c1_s4|conv_k3_c16_s2|ir_k3_e4_c24_s2,ir_k3_e4_c24_s2|head_c0|cls10", "would shrink a 1x1 map", "larger input" },
        { "in_c2_s28|conv_k3_c16_s1|ir_k3_e4_c24|head_c0|cls10", "Input channels must be 1 (grayscale) or 3 (RGB)", "got 2" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_e4_c24|head_c0|cls1", "at least 2 classes", "got 1" },
        { "in_c1_s28|conv_k3_c16_s5|ir_k3_e4_c24|head_c0|cls10", "stride must be between 1 and 4", "got 5" },
        { "in_c1_s28|conv_k3_c16_s1|skip_se|head_c0|cls10", "unknown field 'se'", "'skip' tokens take: c, s" },
        { "in_c1_s28_k3|conv_k3_c16_s1|ir_k3_e4_c24|head_c0|cls10", "unknown field 'k3'", "'in' tokens take: c, s, sub" },
        { "in_c1_s28|conv_k3_c16_s1_hs_relu|ir_k3_e4_c24|head_c0|cls10", "both 'hs' and 'relu'", "one activation" },
        { "in_c1_s28_sub40|conv_k3_c16_s1|ir_k3_e4_c24|head_c0|cls10", "Subsample must be between 1 and the input size 28", "got 40" },
        { "in_c1_s28|conv_k3_c16_s1|ir_k3_eInfinity_c24|head_c0|cls10", "expansion 'eInfinity', and 'Infinity' is infinite", "positive number up to 64 after 'e', e.g. e4" },
        { "in_c1_s28|conv_k3_cNaN_s1|ir_k3_e4_c24|head_c0|cls10", "'cNaN' is not a whole number up to 8192", "conv_k3_cNaN_s1" },
    };

    [Theory]
    [MemberData(nameof(BadStrings))]
    public void Architecture_string_errors_name_the_token_and_the_fix(string text, string problem, string fix) =>
        Clear<FormatException>(() => FBNetArchitecture.Parse(text), problem, fix);

    [Fact]
    public void Unknown_name_that_is_no_string_or_file()
    {
        Clear<ArgumentException>(() => ArchitectureJson.Resolve("Compact-XXL"), "neither a predefined architecture", "Compact-S", "existing JSON file");
    }

    // ---------------- Architecture JSON ----------------

    private static string ValidJson() => ArchitectureJson.Serialize(PredefinedArchitectures.Get("Compact-S"));

    public static TheoryData<string, string, string> BadJson => new()
    {
        { "{", "not a valid architecture JSON", "arch.json" },
        { "null", "is empty", "expected an architecture object" },
        { "NEWER", "format version 2, newer than this library understands (1)", "Upgrade FBNetV2.MLNet" },
        { "NOVERSION", "no 'formatVersion'", "expected 1" },
        { "NOSTEM", "lacks 'stem', 'stages' or 'head'", "arch.json" },
        { "NULLSTAGE", "stage 1 is null", "list of blocks" },
        { "NULLBLOCK", "stage 1 block 1 is null", "expected a block object" },
        { "KIND7", "unknown block kind 7", "InvertedResidual or Skip" },
        { "ACT9", "unknown activation 9", "Relu or HSwish" },
        { "WRONGTYPE", "not a valid architecture JSON", "inputSize" },
        { "ZEROWIDTH", "arch.json: stem: width must be between 1 and 8192", "got 0" },
    };

    [Theory]
    [MemberData(nameof(BadJson))]
    public void Architecture_json_errors_name_the_file_and_the_fix(string kind, string problem, string fix)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(ValidJson())!.AsObject();
        string json = kind switch
        {
            "NEWER" => Set(node, n => n["formatVersion"] = 2),
            "NOVERSION" => Set(node, n => n.Remove("formatVersion")),
            "NOSTEM" => Set(node, n => n.Remove("stem")),
            "NULLSTAGE" => Set(node, n => n["stages"]!.AsArray()[0] = null),
            "NULLBLOCK" => Set(node, n => n["stages"]![0]!.AsArray()[0] = null),
            "KIND7" => Set(node, n => n["stages"]![0]![0]!["kind"] = 7),
            "ACT9" => Set(node, n => n["stages"]![0]![0]!["activation"] = 9),
            "WRONGTYPE" => Set(node, n => n["inputSize"] = "big"),
            "ZEROWIDTH" => Set(node, n => n["stem"]!["outChannels"] = 0),
            _ => kind,
        };
        Clear<FormatException>(() => ArchitectureJson.Deserialize(json, "arch.json"), problem, fix);
    }

    private static string Set(System.Text.Json.Nodes.JsonObject node, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        change(node);
        return node.ToJsonString();
    }

    [Fact]
    public void Architecture_json_file_from_a_newer_version_through_Resolve()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "arch.json");
        File.WriteAllText(path, ValidJson().Replace("\"formatVersion\": 1", "\"formatVersion\": 3"));
        var before = File.ReadAllBytes(path);
        Clear<FormatException>(() => ArchitectureJson.Resolve(path), path, "format version 3", "Upgrade FBNetV2.MLNet");
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    // ---------------- Options ----------------

    [Fact]
    public void Search_budget_that_is_not_a_number()
    {
        var o = new SearchOptions { Budget = double.NaN };
        Clear<ArgumentOutOfRangeException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(4), o),
            "Budget must be a finite number greater than 0, got NaN (not a number)", "Set Budget to a positive number in the cost's unit");
    }

    [Fact]
    public void Search_warmup_not_shorter_than_the_search()
    {
        var o = new SearchOptions { Epochs = 2, WarmupEpochs = 2 };
        Clear<ArgumentOutOfRangeException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(4), o), "WarmupEpochs must be in [0, Epochs)", "Epochs 2");
    }

    [Fact]
    public void Search_data_that_does_not_fit_the_space()
    {
        var space = new SearchSpace(3, 12, 3, [1], [8], 1, [new StageSpace([8], 1, 1, [16], [new CandidateOp(3, false, Activation.Relu)])], new HeadSpec(0));
        Clear<ArgumentException>(() => DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(4), new SearchOptions { Budget = 1e9 }), "1x12x12", "3x12x12");
    }

    [Fact]
    public void Training_batch_size_zero() =>
        Clear<ArgumentOutOfRangeException>(() => NetworkTrainer.Train(TinyArch, TinyImages(), null, new TrainingOptions { BatchSize = 0 }), "BatchSize must be at least 1", "got 0");

    [Fact]
    public void Training_device_that_does_not_exist() =>
        Clear<ArgumentOutOfRangeException>(() => NetworkTrainer.Train(TinyArch, TinyImages(), null, new TrainingOptions { Device = (TrainingDevice)9 }), "Device must be Cpu, Cuda or Auto", "got 9");

    [Fact]
    public void Training_learning_rate_infinite() =>
        Clear<ArgumentOutOfRangeException>(() => NetworkTrainer.Train(TinyArch, TinyImages(), null, new TrainingOptions { LearningRate = double.PositiveInfinity }),
            "LearningRate must be a finite number greater than 0, got infinity", "Set LearningRate to a value greater than 0 such as 0.1 (the default)");

    /// <summary>
    /// Every double option of every options class, found by reflection so that a new option cannot skip the check:
    /// NaN and both infinities are refused with the option's name, "must be a finite number", the value in words and a
    /// fix, never a range message such as "must be positive, got ∞".
    /// </summary>
    [Fact]
    public void Non_finite_values_of_every_double_option_name_the_option_and_the_fix()
    {
        var checkedOptions = new List<string>();
        void Each(Type type, Func<object> create, Action<object> validate)
        {
            var members = type.GetProperties().Where(p => p.CanWrite).Select(p => (p.Name, p.PropertyType, Set: (Action<object, object?>)p.SetValue))
                .Concat(type.GetFields().Where(f => !f.IsInitOnly && !f.IsStatic).Select(f => (f.Name, PropertyType: f.FieldType, Set: (Action<object, object?>)f.SetValue)))
                .Where(m => m.PropertyType == typeof(double) || m.PropertyType == typeof(double?) || m.PropertyType == typeof(float) || m.PropertyType == typeof(float?));
            foreach (var (name, memberType, set) in members)
            {
                foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                {
                    var o = create();
                    bool single = memberType == typeof(float) || memberType == typeof(float?);
                    set(o, single ? (object)(float)bad : bad);
                    string words = double.IsNaN(bad) ? "NaN (not a number)" : bad > 0 ? "infinity" : "negative infinity";
                    var e = Assert.Throws<ArgumentOutOfRangeException>(() => validate(o));
                    Assert.Equal(name, e.ParamName);
                    Assert.Contains($"{name} must be a finite number", e.Message);
                    Assert.Contains($"got {words}. Set {name} to ", e.Message);
                    Assert.DoesNotContain("∞", e.Message);
                }
                checkedOptions.Add($"{type.Name}.{name}");
            }
        }
        Each(typeof(TrainingOptions), () => new TrainingOptions(), o => ((TrainingOptions)o).Validate());
        Each(typeof(SearchOptions), () => new SearchOptions(), o => ((SearchOptions)o).Validate());
        Each(typeof(TrainFBNetOptions), () => new TrainFBNetOptions(), o => new MLContext(1).MulticlassClassification.Trainers.TrainFBNet((TrainFBNetOptions)o));
        Each(typeof(SearchFBNetOptions), () => new SearchFBNetOptions(), o => new MLContext(1).MulticlassClassification.Trainers.SearchFBNet((SearchFBNetOptions)o));
        Each(typeof(FBNetV2.MLNet.Runs.RunOptions), () => new FBNetV2.MLNet.Runs.RunOptions { DataPath = "unused", OutputDirectory = "unused" },
            o => FBNetRun.Run((FBNetV2.MLNet.Runs.RunOptions)o));
        // The options the validators were written for, so that a reflection miss (a renamed type) cannot pass empty.
        Assert.Contains("TrainingOptions.LearningRate", checkedOptions);
        Assert.Contains("SearchOptions.TemperatureDecay", checkedOptions);
        Assert.Contains("SearchFBNetOptions.Budget", checkedOptions);
        Assert.Contains("TrainFBNetOptions.PixelScale", checkedOptions);
        Assert.Contains("RunOptions.TestFraction", checkedOptions);
        Assert.True(checkedOptions.Count >= 54, checkedOptions.Count + ": " + string.Join(", ", checkedOptions)); // 54 when written
    }

    [Fact]
    public void Training_images_of_another_size()
    {
        var images = new LabeledImages(new float[2 * 100], [0, 1], 1, 10, 10, ["a", "b"]);
        Clear<ArgumentException>(() => NetworkTrainer.Train(TinyArch, images, null, new TrainingOptions()), "1x10x10", "1x8x8", "WithInput");
    }

    [Fact]
    public void Training_with_the_wrong_class_count()
    {
        var images = new LabeledImages(new float[3 * 64], [0, 1, 2], 1, 8, 8, ["a", "b", "c"]);
        Clear<ArgumentException>(() => NetworkTrainer.Train(TinyArch, images, null, new TrainingOptions()), "3 classes", "2", "WithClasses");
    }

    [Fact]
    public void Estimator_unknown_search_space() =>
        Clear<ArgumentOutOfRangeException>(() => new MLContext(1).MulticlassClassification.Trainers.SearchFBNet(new SearchFBNetOptions { SearchSpace = (SearchSpacePreset)9 }),
            "SearchSpace 9 is not a SearchSpacePreset", "Auto, Compact, Photo, ImageNet", "CustomSearchSpace");

    [Fact]
    public void Estimator_negative_time_budget() =>
        Clear<ArgumentOutOfRangeException>(() => new MLContext(1).MulticlassClassification.Trainers.TrainFBNet(new TrainFBNetOptions { TimeBudget = TimeSpan.FromSeconds(-1) }),
            "TimeBudget must be positive");

    [Fact]
    public void Estimator_negative_gpu_id() =>
        Clear<ArgumentOutOfRangeException>(() => new MLContext(1).MulticlassClassification.Trainers.TrainFBNet(new TrainFBNetOptions { GpuDeviceId = -1 }),
            "GpuDeviceId must not be negative");

    /// <summary>The two numeric arguments outside options classes: the export's pixel scale and the network's normalisation.</summary>
    [Fact]
    public void Non_finite_export_scale_and_normalisation()
    {
        using (var net = new FBNetNetwork(TinyArch))
            Clear<ArgumentException>(() => OnnxExporter.Export(net, new OnnxExportOptions { PixelScale = float.NaN }),
                "PixelScale must be a finite number greater than 0, got NaN (not a number)", "1 (the default) for pixels already in [0, 1], 1/255 for bytes");
        Clear<ArgumentException>(() => new FBNetNetwork(TinyArch, [float.NaN], [float.PositiveInfinity]).Dispose(),
            "mean values must be finite numbers and std values finite numbers greater than 0, got mean [NaN (not a number)] and std [infinity]",
            "per-channel mean and standard deviation of the training pixels");
    }

    [Fact]
    public void Export_opset_too_old()
    {
        using var net = new FBNetNetwork(TinyArch);
        Clear<ArgumentException>(() => OnnxExporter.Export(net, new OnnxExportOptions { Opset = 5 }), "Opset must be between", "HardSwish", "got 5");
    }

    [Fact]
    public void Export_class_names_that_do_not_match()
    {
        using var net = new FBNetNetwork(TinyArch);
        Clear<ArgumentException>(() => OnnxExporter.Export(net, new OnnxExportOptions { ClassNames = ["only"] }), "2 classes but 1 class names");
    }

    // ---------------- Checkpoints, workspaces, output folders ----------------

    [Fact]
    public void Checkpoint_of_another_search_is_not_resumed_or_overwritten()
    {
        using var dir = new TempDirectory();
        var (path, before) = WriteTinyCheckpoint(dir.Path);
        var other = TinySearch(dir.Path);
        other.Seed = 99;
        Clear<InvalidOperationException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), other),
            "belongs to another search", "Seed 5 -> 99", "use another checkpoint folder (WorkspacePath, fbnet search --workspace) or delete the file");
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Checkpoint_of_other_images_of_the_same_count_is_not_resumed()
    {
        using var dir = new TempDirectory();
        var (path, before) = WriteTinyCheckpoint(dir.Path);
        // Same count, shape, classes and options; one pixel of one image differs.
        var other = DMaskingSearchTests.TinyData(8);
        var pixels = other.Pixels;
        pixels[5] = pixels[5] > 0.5f ? 0f : 1f;
        var changed = new FBNetV2.MLNet.Data.LabeledImages(pixels, other.Labels, other.Channels, other.Height, other.Width, other.ClassNames);
        Clear<InvalidOperationException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), changed, TinySearch(dir.Path)),
            "belongs to another search", "data ", "use another checkpoint folder (WorkspacePath, fbnet search --workspace) or delete the file");
        Assert.Equal(before, File.ReadAllBytes(path));
        // The same images again resume (the hash is of the content, not of the object).
        DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), TinySearch(dir.Path));
    }

    [Fact]
    public void Checkpoint_from_the_strided_slice_input_is_not_resumed()
    {
        // A checkpoint written while the low-resolution paths took every r-th pixel has no "resolution" entry in its
        // identity; its weights were trained on another input, so it is refused like another search's.
        using var dir = new TempDirectory();
        var (path, written) = WriteTinyCheckpoint(dir.Path);
        byte[] old = WithIdentity(written, identity =>
        {
            Assert.Contains("\nresolution=avgpool", identity);
            return identity.Replace("\nresolution=avgpool", "");
        });
        File.WriteAllBytes(path, old);
        Clear<InvalidOperationException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), TinySearch(dir.Path)),
            "belongs to another search", "resolution (absent) -> avgpool");
        Assert.Equal(old, File.ReadAllBytes(path));
    }

    [Fact]
    public void Checkpoint_with_an_entry_this_search_lacks_names_it()
    {
        // A checkpoint whose identity has an entry this version does not record (an option since removed) belongs to
        // another search too; the refusal must name that entry (it once listed only entries this search has: "()").
        using var dir = new TempDirectory();
        var (path, written) = WriteTinyCheckpoint(dir.Path);
        byte[] extra = WithIdentity(written, identity => identity + "\nRemovedOption=7");
        File.WriteAllBytes(path, extra);
        Clear<InvalidOperationException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), TinySearch(dir.Path)),
            "belongs to another search", "RemovedOption 7 -> (absent)");
        Assert.Equal(extra, File.ReadAllBytes(path));
    }

    /// <summary>The checkpoint's bytes with its identity text (the string after the magic) rewritten.</summary>
    private static byte[] WithIdentity(byte[] checkpoint, Func<string, string> change)
    {
        using var reader = new BinaryReader(new MemoryStream(checkpoint));
        using var copy = new MemoryStream();
        using var writer = new BinaryWriter(copy);
        writer.Write(reader.ReadString());
        writer.Write(change(reader.ReadString()));
        writer.Flush();
        reader.BaseStream.CopyTo(copy);
        return copy.ToArray();
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void Damaged_checkpoint_is_named_and_kept(string damage)
    {
        using var dir = new TempDirectory();
        var o = TinySearch(dir.Path);
        o.Epochs = 2;
        o.WarmupEpochs = 1;
        DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), o);
        var path = Path.Combine(dir.Path, "search.ckpt");
        var good = File.ReadAllBytes(path);
        var bad = damage switch
        {
            "truncated" => good[..(good.Length * 2 / 3)],
            "garbage" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11)).ToArray(),
            _ => [],
        };
        File.WriteAllBytes(path, bad);
        Clear<InvalidDataException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), TinySearch(dir.Path, epochs: 2)),
            path, "is damaged", "Delete it to start the search over");
        Assert.Equal(bad, File.ReadAllBytes(path));
    }

    [Fact]
    public void Checkpoint_folder_under_a_regular_file()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "not-a-folder");
        File.WriteAllText(file, "user data");
        var o = TinySearch(Path.Combine(file, "ckpt"));
        Clear<IOException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), o),
            "search checkpoint folder", "cannot be written", "Choose a folder you can write to");
        Assert.Equal("user data", File.ReadAllText(file));
    }

    [RequiresFact(Prerequisite.ReadOnlyFolder)]
    public void Read_only_checkpoint_folder()
    {
        using var dir = new TempDirectory();
        using var readOnly = ReadOnlyFolder.TryCreate(dir.Path)!;
        var (folder, how) = (readOnly.Path, readOnly.How);
        var o = TinySearch(folder);
        var e = Clear<IOException>(() => DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), o),
            "cannot be written", "Choose a folder you can write to");
        Assert.True(e.InnerException is UnauthorizedAccessException or IOException, how);
    }

    [Fact]
    public void Output_folder_with_results_is_not_overwritten()
    {
        using var dir = new TempDirectory();
        var model = Path.Combine(dir.Path, RunArtifacts.ModelZip);
        File.WriteAllText(model, "earlier model");
        Clear<IOException>(() => RunArtifacts.Prepare(dir.Path, force: false), "already holds results", "model.zip", "--force");
        Assert.Equal("earlier model", File.ReadAllText(model));
    }

    [Fact]
    public void Output_folder_under_a_regular_file()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "results");
        File.WriteAllText(file, "user data");
        Clear<IOException>(() => RunArtifacts.Prepare(Path.Combine(file, "out"), force: false), "is not writable", "Choose a folder you can write to");
        Assert.Equal("user data", File.ReadAllText(file));
    }

    [RequiresFact(Prerequisite.ReadOnlyFolder)]
    public void Read_only_output_folder()
    {
        using var dir = new TempDirectory();
        using var readOnly = ReadOnlyFolder.TryCreate(dir.Path)!;
        Clear<IOException>(() => RunArtifacts.Prepare(readOnly.Path, force: false), "is not writable", "Choose a folder you can write to");
        Assert.Empty(Directory.GetFileSystemEntries(readOnly.Path));
    }

    // ---------------- Model zips and ONNX files ----------------

    [Theory]
    [InlineData("truncated")]
    [InlineData("corrupted")]
    [InlineData("not a zip")]
    [InlineData("missing")]
    public void Damaged_model_zip_is_a_clear_error(string damage)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model.zip");
        var ml = new MLContext(1);
        if (damage != "missing")
        {
            using (var model = TinyModel(ml, out var data)) ml.Model.Save(model, data.Schema, path);
            var bytes = File.ReadAllBytes(path);
            bytes = damage switch
            {
                "truncated" => bytes[..(bytes.Length / 2)],
                "corrupted" => Corrupt(bytes),
                _ => "this is a text file, not a model"u8.ToArray(),
            };
            File.WriteAllBytes(path, bytes);
        }
        var e = Assert.ThrowsAny<Exception>(() => FBNetModelFile.Load(ml, path, out _));
        Assert.True(e is InvalidDataException or FileNotFoundException, $"{e.GetType().Name}: {e.Message}");
        Assert.Contains(path, e.Message);
        Assert.Contains(damage == "missing" ? "does not exist" : "is not a complete ML.NET model", e.Message);
        Assert.DoesNotContain("target of an invocation", e.Message);
    }

    [Fact]
    public void Whole_zip_naming_an_unknown_component_is_not_called_damaged()
    {
        // A zip that reads whole but names a loader no referenced assembly registers: what an app without
        // Microsoft.ML.OnnxTransformer sees. The fix is a package reference, not a new copy of the file.
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model.zip");
        var ml = new MLContext(1);
        using (var model = TinyModel(ml, out var data)) ml.Model.Save(model, data.Schema, path);
        int renamed = 0;
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            foreach (var entry in zip.Entries.Where(e => e.Name == "Model.key").ToList())
            {
                byte[] bytes;
                using (var read = entry.Open()) { using var m = new MemoryStream(); read.CopyTo(m); bytes = m.ToArray(); }
                // The loader signature of every OnnxTransformer is stored as ASCII text in its Model.key header.
                var text = System.Text.Encoding.Latin1.GetString(bytes);
                int at = text.IndexOf("OnnxTransform", StringComparison.Ordinal);
                if (at < 0) continue;
                bytes[at] = (byte)'X';
                entry.Delete();
                using var write = zip.CreateEntry(entry.FullName).Open();
                write.Write(bytes);
                renamed++;
            }
        }
        Assert.True(renamed > 0, "no OnnxTransformer loader name found in the zip: the test's assumption about ML.NET's layout broke");
        var e = Assert.ThrowsAny<Exception>(() => FBNetModelFile.Load(ml, path, out _));
        Assert.False(e is InvalidDataException, $"a whole zip was called damaged: {e.Message}");
        Assert.IsType<InvalidOperationException>(e);
        Assert.Contains("cannot load a component", e.Message);
        Assert.Contains("Microsoft.ML.OnnxTransformer", e.Message);
    }

    [Fact]
    public void Onnx_model_is_read_from_a_saved_zip()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model.zip");
        var ml = new MLContext(1);
        using var model = TinyModel(ml, out var data);
        ml.Model.Save(model, data.Schema, path);
        using var session = new InferenceSession(FBNetModelFile.ReadOnnxModel(path));
        Assert.Equal(64, session.InputMetadata.Single().Value.Dimensions.Where(d => d > 0).Aggregate(1, (a, b) => a * b));
    }

    private static void Consume(IDataView view)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        while (cursor.MoveNext()) { }
    }

    private static byte[] Corrupt(byte[] bytes)
    {
        // Flip bytes in the middle (compressed entries), keeping the zip directory at the end intact.
        var copy = (byte[])bytes.Clone();
        for (int i = copy.Length / 4; i < copy.Length / 2; i += 7) copy[i] ^= 0x5A;
        return copy;
    }

    [Fact]
    public void Scoring_with_the_wrong_image_size_through_the_model()
    {
        var ml = new MLContext(1);
        using var model = TinyModel(ml, out _);
        var wrong = ml.Data.LoadFromEnumerable(new[] { new WrongRow(), new WrongRow() });
        Clear<ArgumentException>(() => model.Transform(wrong), "vectors of 64 floats (1x8x8)", "Resize and extract pixels exactly as in training");
    }

    [Fact]
    public void Scoring_with_the_wrong_image_size_through_a_loaded_zip()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model.zip");
        var ml = new MLContext(1);
        using (var model = TinyModel(ml, out var data)) ml.Model.Save(model, data.Schema, path);
        var wrong = ml.Data.LoadFromEnumerable(new[] { new WrongRow(), new WrongRow() });
        var loaded = FBNetModelFile.Load(ml, path, out var inputSchema);
        Clear<ArgumentException>(() => FBNetModelFile.CheckInput(inputSchema, wrong.Schema),
            "Column 'Features' holds vectors of 100 Single values (1x10x10)", "trained on vectors of 64 Single values (1x8x8)", "Resize and extract pixels exactly as in training");
        // Without the check ML.NET fails on the first row, naming the shapes but not the fix.
        var e = Assert.Throws<InvalidOperationException>(() => Consume(loaded.Transform(wrong)));
        Assert.Contains("Input shape mismatch", e.Message);
    }

    /// <summary>
    /// A model.onnx of 8x8 images as the distillation teacher of 10x10 training images. Fed to ONNX Runtime directly,
    /// such a file fails inside the run with ONNX Runtime's "Got invalid dimensions for input"; through the library
    /// (DistillationTeacher.FromOnnx, fbnet --teacher) it is refused before training with both shapes and the fix.
    /// </summary>
    [Fact]
    public void Onnx_teacher_for_images_of_another_size()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "model.onnx");
        using (var net = new FBNetNetwork(TinyArch)) File.WriteAllBytes(file, OnnxExporter.Export(net));
        using var teacher = DistillationTeacher.FromOnnx(file);
        var arch10 = TinyArch.WithInput(1, 10, 1);
        var images = new LabeledImages(new float[2 * 100], [0, 1], 1, 10, 10, ["a", "b"]);
        Clear<ArgumentException>(() => NetworkTrainer.Train(arch10, images, null, new TrainingOptions { Teacher = teacher, Epochs = 1 }),
            "takes 1x8x8 images", "the data has 1x10x10 images", "Resize the training images to the teacher's 8x8 (ResizeImages, or --size 8 in fbnet)",
            "or use a teacher trained on 1x10x10 images");
    }

    /// <summary>
    /// A model.onnx cut in half. ONNX Runtime alone says "[ErrorCode:InvalidProtobuf] Failed to load model"; the library
    /// names the file, says it is truncated or damaged and how to get it again. The file is left as it was.
    /// </summary>
    [Fact]
    public void Truncated_onnx_file_as_teacher()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "model.onnx");
        using (var net = new FBNetNetwork(TinyArch))
        {
            var bytes = OnnxExporter.Export(net);
            File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
        }
        var before = File.ReadAllBytes(file);
        var e = Clear<ArgumentException>(() => DistillationTeacher.FromOnnx(file), $"Teacher '{file}' cannot be loaded by ONNX Runtime",
            "truncated, damaged or not an ONNX model", "Copy the model.onnx again from its run folder", "fbnet export --model");
        Assert.IsType<OnnxRuntimeException>(e.InnerException);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    // ---------------- helpers ----------------

    internal static readonly FBNetArchitecture TinyArch = FBNetArchitecture.Parse("in_c1_s8|conv_k3_c8_s1|ir_k3_e1_c8|head_c0_f0|cls2");

    internal static LabeledImages TinyImages(int count = 8)
    {
        var r = new Random(3);
        var labels = Enumerable.Range(0, count).Select(i => i % 2).ToArray();
        var pixels = Enumerable.Range(0, count * 64).Select(i => labels[i / 64] * 0.5f + 0.4f * r.NextSingle()).ToArray();
        return new LabeledImages(pixels, labels, 1, 8, 8, ["a", "b"]);
    }

    /// <summary>A finished 2-epoch tiny search (<see cref="TinySearch"/>) with its checkpoint in <paramref name="dir"/>: the checkpoint's path and bytes.</summary>
    private static (string Path, byte[] Bytes) WriteTinyCheckpoint(string dir)
    {
        DMaskingSearch.Run(DMaskingSearchTests.TinySpace(), DMaskingSearchTests.TinyData(8), TinySearch(dir));
        string path = Path.Combine(dir, "search.ckpt");
        return (path, File.ReadAllBytes(path));
    }

    private static SearchOptions TinySearch(string? checkpoint, int epochs = 2) => new()
    {
        Budget = DMaskingSearchTests.LargestCost(DMaskingSearchTests.TinySpace()), Epochs = epochs, WarmupEpochs = 1, BatchSize = 8, SampledCandidates = 0, CalibrationBatches = 1,
        Seed = 5, Threads = 1, CheckpointDirectory = checkpoint,
    };

    /// <summary>A one-epoch FBNet model on 8 images of 8x8: seconds to fit, a real scoring chain to save.</summary>
    internal static FBNetModel TinyModel(MLContext ml, out IDataView data, Action<TrainFBNetOptions>? configure = null)
    {
        var rows = Enumerable.Range(0, 8).Select(i => new ImageRow { Label = i % 2 == 0 ? "a" : "b", Features = Enumerable.Repeat(i % 2 * 200f + 20f, 64).ToArray() }).ToArray();
        data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var options = new TrainFBNetOptions { Architecture = TinyArch.ToString(), MaxEpochs = 1, BatchSize = 4, ValidationSetFraction = 0 };
        configure?.Invoke(options);
        return ml.MulticlassClassification.Trainers.TrainFBNet(options).Fit(data);
    }

    private sealed class ImageRow
    {
        [VectorType(1, 8, 8)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class WrongRow
    {
        [VectorType(1, 10, 10)] public float[] Features { get; set; } = new float[100];
    }
}
