using Google.Protobuf;
using Onnx;

namespace FBNetV2.MLNet.Onnx;

/// <summary>Appends nodes and raw-float initializers to an ONNX graph, naming every value uniquely.</summary>
internal sealed class OnnxGraphBuilder
{
    private int next;

    public GraphProto Graph { get; } = new();

    /// <summary>Adds a constant tensor; values are stored little-endian in raw_data as the ONNX spec requires.</summary>
    public string Initializer(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        t.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    public string Initializer(string name, long[] values)
    {
        var t = new TensorProto { Name = Unique(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        t.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>Adds a node with one output and returns that output's name (<paramref name="output"/> if given).</summary>
    public string Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<AttributeProto>? attributes = null, string? output = null)
    {
        var node = new NodeProto { OpType = opType, Name = Unique(name) };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? node.Name);
        if (attributes is not null) node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node.Output[0];
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A float tensor value [batch, dims...] whose first dimension is the symbolic <paramref name="batchDim"/>.</summary>
    public static ValueInfoProto BatchedFloat(string name, string batchDim, params long[] dims) =>
        Value(name, TensorProto.Types.DataType.Float, BatchedShape(batchDim, dims));

    private static TensorShapeProto BatchedShape(string batchDim, long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batchDim });
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return shape;
    }

    /// <summary>An int64 tensor value [batch, dims...] whose first dimension is the symbolic <paramref name="batchDim"/>.</summary>
    public static ValueInfoProto BatchedInt64(string name, string batchDim, params long[] dims) =>
        Value(name, TensorProto.Types.DataType.Int64, BatchedShape(batchDim, dims));

    /// <summary>A float tensor value of unspecified shape (graph outputs whose shape ONNX Runtime infers).</summary>
    public static ValueInfoProto FloatValue(string name) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } };

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, TensorShapeProto shape) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
    };

    private string Unique(string name) => $"{name}_{next++}";
}
