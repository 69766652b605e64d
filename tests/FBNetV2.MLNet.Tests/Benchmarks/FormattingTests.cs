using FBNetV2.MLNet.Benchmarks;
using Xunit;

namespace FBNetV2.MLNet.Tests.Benchmarks;

public class FormattingTests
{
    [Theory]
    [InlineData(0.013, "+1.3%")]
    [InlineData(-0.004, "-0.4%")]
    [InlineData(-0.0003, "+0.0%")] // printed "-+0.0%" with the custom format "+0.0%;-0.0%"
    [InlineData(0.0004, "+0.0%")]
    [InlineData(0.0, "+0.0%")]
    [InlineData(-0.00049, "+0.0%")]
    [InlineData(-0.05, "-5.0%")]
    public void A_signed_percentage_has_exactly_one_sign(double fraction, string expected) =>
        Assert.Equal(expected, Formatting.SignedPercent(fraction));
}
