namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// Describes one block kind: its token in the architecture string and how to read and write it, what makes a block
/// of this kind valid, and its exact cost. The layers above attach their parts of the same kind (TorchSharp module,
/// ONNX emitter, latency family, searchable super-module) by implementing their facet interfaces on the same
/// descriptor, so that one class per kind holds everything about it while this layer stays at the bottom. Kinds are
/// registered in one place (<c>Blocks/BlockCatalog</c>); a kind without a descriptor is an error, never a fallback.
/// </summary>
internal abstract class BlockType
{
    private static readonly Dictionary<BlockKind, BlockType> ByKind = new();
    private static readonly Dictionary<string, BlockType> ByToken = new(StringComparer.Ordinal);

    /// <summary>The enum value stored in <see cref="BlockSpec.Kind"/> and in the JSON form.</summary>
    public abstract BlockKind Kind { get; }

    /// <summary>First field of the block's token in the architecture string, e.g. <c>ir</c>.</summary>
    public abstract string Token { get; }

    /// <summary>Fields the token may carry after <see cref="Token"/>; any other is an error.</summary>
    public abstract IReadOnlyList<string> Keys { get; }

    /// <summary>Reads a token whose fields were split and checked against <see cref="Keys"/>.</summary>
    internal abstract BlockSpec Parse(TokenFields fields, int inChannels);

    /// <summary>The token of a block whose input has <paramref name="inChannels"/> channels.</summary>
    public abstract string Format(BlockSpec block, int inChannels);

    /// <summary>Exact multiply-adds and parameters of each part of the block (see <see cref="ArchitectureCost"/>).</summary>
    public abstract IEnumerable<(string Part, long Flops, long Params)> Costs(BlockSpec block, int inChannels, int inSize);

    /// <summary>Kind-specific checks beyond the common ones (widths, stride, activation); throws ArgumentException.</summary>
    public virtual void Validate(BlockSpec block, int inChannels, string where) { }

    /// <summary>Kernel that the common kernel check applies to (a skip's projection is 1x1 whatever its spec says).</summary>
    public virtual int CheckedKernel(BlockSpec block) => block.Kernel;

    /// <summary>True when the block adds its input to its output.</summary>
    public virtual bool HasResidual(BlockSpec block, int inChannels) => false;

    /// <summary>True when the block is a pure identity (no weights, no cost, no layer).</summary>
    public virtual bool IsIdentity(BlockSpec block, int inChannels) => false;

    /// <summary>Width of the block's inner (expanded) map.</summary>
    public virtual int HiddenWidth(BlockSpec block, int inChannels) => block.Hidden == 0 ? inChannels : block.Hidden;

    /// <summary>Every registered kind, in registration order.</summary>
    public static IReadOnlyCollection<BlockType> All => ByKind.Values;

    /// <summary>The descriptor of a kind; an unregistered kind is an error.</summary>
    public static BlockType Of(BlockKind kind) => ByKind.TryGetValue(kind, out var t) ? t
        : throw new ArgumentException($"unknown block kind {(int)kind}; expected {string.Join(" or ", ByKind.Keys)}.");

    /// <summary>The descriptor whose token starts a block token, or null.</summary>
    public static BlockType? ForToken(string head) => ByToken.GetValueOrDefault(head);

    /// <summary>Tokens of the registered kinds, for error messages.</summary>
    public static IEnumerable<string> Tokens => ByToken.Keys;

    /// <summary>This kind's part for a layer above (its module, emitter, ...), or a clear error when the kind has none.</summary>
    public TFacet Facet<TFacet>(string what) where TFacet : class =>
        this as TFacet ?? throw new NotSupportedException($"Block kind '{Token}' ({Kind}) has no {what}.");

    internal static void Register(BlockType type)
    {
        if (!ByKind.TryAdd(type.Kind, type) || !ByToken.TryAdd(type.Token, type))
            throw new InvalidOperationException($"Block kind {type.Kind} ('{type.Token}') is registered twice.");
    }
}
