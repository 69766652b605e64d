using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace FBNetV2.MLNet;

/// <summary>Column names the scoring chain reads, writes and uses in between (the last two are dropped).</summary>
internal sealed record ScoringColumns(string Features, string Score, string PredictedLabel, string Index, string Hash);

/// <summary>
/// Builds the scoring chain from ML.NET's own transformers only, so that mlContext.Model.Save writes it and any app
/// with Microsoft.ML.OnnxTransformer loads it, with no registration:
/// ApplyOnnxModel (Features → Score, arg-max index) → Hash → MapValue (→ PredictedLabel key) → DropColumns.
/// <para>
/// Why the hash: OnnxTransformer turns a [batch] output into a one-element vector, and its getter for rank-0 outputs
/// fails on tensors in ML.NET 5.0.1, while evaluation and MapKeyToValue need a scalar key. Hash with combine: true is
/// the one built-in transform that folds a vector into a scalar; hashing each class index once tells which hash is
/// which class, and MapValue with treatValuesAsKeyType turns it into a key numbered in the order of the pairs given,
/// i.e. the label's key order, with the class names as key values.
/// </para>
/// </summary>
internal static class ScoringChain
{
    private const int HashBits = 31;

    public static TransformerChain<ITransformer> Build(MLContext ml, IDataView input, byte[] onnx, ScoringColumns c,
        IReadOnlyList<string> classNames, int? gpuDeviceId, bool fallbackToCpu)
    {
        var (seed, hashes) = DistinctHashes(ml, classNames.Count);
        var classes = hashes.Select((hash, i) => new KeyValuePair<uint, string>(hash, classNames[i]));
        using var model = new MemoryStream(onnx, writable: false);
        var chain = ml.Transforms.ApplyOnnxModel([c.Score, c.Index], [c.Features], model, gpuDeviceId, fallbackToCpu)
            .Append(ml.Transforms.Conversion.Hash([HashOptions(c.Hash, c.Index, seed)]))
            .Append(ml.Transforms.Conversion.MapValue(c.PredictedLabel, classes, c.Hash, treatValuesAsKeyType: true))
            .Append(ml.Transforms.DropColumns(c.Index, c.Hash))
            .Fit(input); // every step is trivial: this checks the schema and reads no rows
        return new TransformerChain<ITransformer>(chain.ToArray());
    }

    private static HashingEstimator.ColumnOptions HashOptions(string output, string input, uint seed) =>
        new(output, input, numberOfBits: HashBits, seed: seed, combine: true);

    /// <summary>The hash of each class index as the chain will compute it, with a seed under which no two collide.</summary>
    private static (uint Seed, uint[] Hashes) DistinctHashes(MLContext ml, int classCount)
    {
        var indices = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classCount).Select(i => new IndexRow { Index = [i] }));
        for (uint seed = 314489979; ; seed++)
        {
            var hashed = ml.Transforms.Conversion.Hash([HashOptions("Hash", "Index", seed)]).Fit(indices).Transform(indices);
            var hashes = hashed.GetColumn<uint>("Hash").ToArray();
            if (hashes.Distinct().Count() == classCount) return (seed, hashes);
        }
    }

    private sealed class IndexRow
    {
        [VectorType(1)] public long[] Index { get; set; } = [];
    }
}
