using System.Reflection;
using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The search checkpoint's identity (issue 18 item 4): every option of <see cref="SearchOptions"/> either changes the
/// search's trajectory and is recorded, so that a resume with it changed is refused with its name, or is listed here
/// with the reason it may change between a run and its resume. A new option that is in neither fails the first test.
/// </summary>
public class SearchIdentityTests
{
    /// <summary>Options a resume may change, and why.</summary>
    private static readonly Dictionary<string, string> NotInIdentity = new()
    {
        [nameof(SearchOptions.Threads)] = "how many threads compute the steps, not which steps (SearchOptions.Identity)",
        [nameof(SearchOptions.Device)] = "where the search runs, not what it computes",
        [nameof(SearchOptions.CheckpointDirectory)] = "where the checkpoint is",
        [nameof(SearchOptions.Deadline)] = "when to stop, not how each epoch runs",
        [nameof(SearchOptions.Progress)] = "a report of the search",
        [nameof(SearchOptions.CandidateProgress)] = "a report of the derivation and ranking",
        [nameof(SearchOptions.Resumed)] = "a report that the search resumed",
        [nameof(SearchOptions.OnCancellationCheck)] = "a test hook",
        // The derivation after the last epoch: the checkpoint holds the supernet's training, which these do not touch.
        [nameof(SearchOptions.SampledCandidates)] = "derivation only",
        [nameof(SearchOptions.CalibrationBatches)] = "derivation only",
        [nameof(SearchOptions.ProxyCandidates)] = "derivation only",
        [nameof(SearchOptions.ProxySteps)] = "derivation only",
        [nameof(SearchOptions.ProxyRecipe)] = "derivation only",
        [nameof(SearchOptions.DerivationFill)] = "derivation only",
    };

    private static IEnumerable<PropertyInfo> Settable() =>
        typeof(SearchOptions).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.CanWrite && p.SetMethod is not null);

    [Fact]
    public void Every_option_is_in_the_identity_or_listed_as_free_to_change()
    {
        var names = new SearchOptions().Identity().Select(p => p.Name).ToHashSet();
        var unaccounted = Settable().Select(p => p.Name).Where(n => !names.Contains(n) && !NotInIdentity.ContainsKey(n)).ToList();
        Assert.True(unaccounted.Count == 0,
            $"SearchOptions has options that are neither in Identity() nor listed as free to change on resume: {string.Join(", ", unaccounted)}");
        var recorded = NotInIdentity.Keys.Where(names.Contains).ToList();
        Assert.True(recorded.Count == 0, $"listed as free to change on resume, but Identity() records them: {string.Join(", ", recorded)}");
        var stale = NotInIdentity.Keys.Where(n => Settable().All(p => p.Name != n)).ToList();
        Assert.True(stale.Count == 0, $"listed, but not options of SearchOptions: {string.Join(", ", stale)}");
    }

    public static TheoryData<string> IdentityOptions()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in new SearchOptions().Identity()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(IdentityOptions))]
    public void Changing_one_option_changes_exactly_its_entry(string option)
    {
        var before = new SearchOptions();
        var after = new SearchOptions();
        if (option == nameof(SearchOptions.LatencyTable))
        {
            after.LatencyTable = new FBNetV2.MLNet.Latency.LatencyTable(FBNetV2.MLNet.Latency.LatencyTableIdentity.Current("cpu", 1, 1), 0.1, []);
        }
        else
        {
            var property = typeof(SearchOptions).GetProperty(option, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!;
            property.SetValue(after, Changed(property.PropertyType, property.GetValue(before)));
        }
        var a = before.Identity().ToDictionary(p => p.Name, p => p.Value);
        var b = after.Identity().ToDictionary(p => p.Name, p => p.Value);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Equal([option], a.Keys.Where(k => a[k] != b[k]));
    }

    private static object Changed(Type type, object? value) => type switch
    {
        _ when type == typeof(double) => (double)value! * 2 + 0.25,
        _ when type == typeof(double?) => value is double d ? d * 2 + 0.25 : 0.5,
        _ when type == typeof(int) => (int)value! + 1,
        _ when type == typeof(bool) => !(bool)value!,
        _ when type.IsEnum => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(value)),
        _ => throw new NotSupportedException($"no change for an option of type {type} (add one here)"),
    };
}
