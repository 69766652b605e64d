namespace FBNetV2.MLNet.Training;

internal enum OptimizerKind
{
    /// <summary>SGD with Nesterov momentum: the recipe of MobileNet/FBNet final training.</summary>
    SgdNesterov,

    /// <summary>AdamW: less sensitive to the learning rate on short runs.</summary>
    AdamW,
}
