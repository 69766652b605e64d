using Microsoft.ML;
using Microsoft.ML.Data;

internal static class Scoring
{
    /// <summary>Reads every row's outputs: IDataView is lazy, so a benchmark must pull the columns to run the model.</summary>
    public static void Consume(IDataView scored)
    {
        using var cursor = scored.GetRowCursor([scored.Schema["Score"], scored.Schema["PredictedLabel"]]);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        var label = cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]);
        VBuffer<float> s = default;
        uint l = 0;
        while (cursor.MoveNext()) { score(ref s); label(ref l); }
    }
}
