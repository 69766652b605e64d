using System.Reflection;
using FBNetV2.MLNet.Runs;
using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.MLNet;

/// <summary>
/// The search settings travel from the CLI and a run (<see cref="RunSearchSettings"/>) through
/// <see cref="SearchFBNetOptions"/> into the search (<see cref="SearchOptions"/>), each under one name: checked by
/// reflection over the names, so that a setting added to one layer and forgotten in the next fails here.
/// </summary>
public class SearchSettingsTests
{
    // Set by the fit itself, not copied as they stand: the cost target and budget after the budget is resolved (Budget
    // is nullable in the options), the candidates' progress wrapped so that MLContext.Log gets it too.
    private static readonly string[] SetByTheFit = [nameof(SearchOptions.CostTarget), nameof(SearchOptions.Budget), nameof(SearchOptions.CandidateProgress)];

    private static IEnumerable<(FieldInfo Field, PropertyInfo Property)> SharedSettings() =>
        from f in typeof(SearchFBNetOptions).GetFields(BindingFlags.Public | BindingFlags.Instance)
        where f.DeclaringType == typeof(SearchFBNetOptions) && !SetByTheFit.Contains(f.Name)
        let p = typeof(SearchOptions).GetProperty(f.Name)
        where p is not null
        select (f, p);

    [Fact]
    public void Every_search_option_that_the_search_knows_is_copied_into_it()
    {
        var shared = SharedSettings().ToArray();
        // The settings this change made public, and those that were before it: the walk must find them all.
        string[] expected = ["ArchitectureLearningRate", "ArchitectureTravel", "ArchitectureWeightDecay", "GlobalArchitectureSecondMoment", "EntropyWeight",
            "CostAlpha", "CostBeta", "TwoSidedCost", "ParameterWeight", "InitialTemperature", "FinalTemperature", "TemperatureDecay", "SampledCandidates", "ProxyCandidates",
            "SinglePathWeightSteps"];
        Assert.Equal(expected.Order(), shared.Select(s => s.Field.Name).Order());

        // Defaults: the ML.NET options leave the search exactly as its own defaults.
        var defaults = new SearchOptions();
        var copied = new SearchOptions();
        SearchSettings.Apply(new SearchFBNetOptions(), copied);
        foreach (var (field, property) in shared)
            Assert.True(Equals(property.GetValue(defaults), property.GetValue(copied)), $"{field.Name}: default {property.GetValue(defaults)}, from the options {property.GetValue(copied)}");

        // Every setting changed: each reaches the search under its own name.
        var options = new SearchFBNetOptions();
        foreach (var (field, _) in shared) field.SetValue(options, Changed(field.GetValue(options), field.FieldType));
        var search = new SearchOptions();
        SearchSettings.Apply(options, search);
        foreach (var (field, property) in shared)
            Assert.True(Equals(field.GetValue(options), property.GetValue(search)), $"{field.Name}: set {field.GetValue(options)}, in the search {property.GetValue(search)}");
    }

    [Fact]
    public void Every_run_search_setting_reaches_the_options_and_unset_ones_keep_the_defaults()
    {
        var properties = typeof(RunSearchSettings).GetProperties();
        FieldInfo Target(PropertyInfo p) => typeof(SearchFBNetOptions).GetField(p.Name == nameof(RunSearchSettings.WarmupEpochs) ? nameof(SearchFBNetOptions.SearchWarmupEpochs) : p.Name)
            ?? throw new Xunit.Sdk.XunitException($"RunSearchSettings.{p.Name} has no SearchFBNetOptions field of that name");

        var untouched = new SearchFBNetOptions();
        new RunSearchSettings().ApplyTo(untouched);
        foreach (var p in properties)
            Assert.True(Equals(Target(p).GetValue(new SearchFBNetOptions()), Target(p).GetValue(untouched)), $"{p.Name} changed though not set");

        var settings = new RunSearchSettings();
        foreach (var p in properties)
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType; // string settings are reference types
            p.SetValue(settings, Changed(Target(p).GetValue(new SearchFBNetOptions()), type));
        }
        var options = new SearchFBNetOptions();
        settings.ApplyTo(options);
        foreach (var p in properties)
            Assert.True(Equals(p.GetValue(settings), Target(p).GetValue(options)), $"{p.Name}: set {p.GetValue(settings)}, in the options {Target(p).GetValue(options)}");
    }

    /// <summary>A value of <paramref name="type"/> (or its nullable form) that differs from <paramref name="current"/>.</summary>
    private static object Changed(object? current, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(bool)) return !(bool)(current ?? false);
        if (t == typeof(int)) return (int)(current ?? 0) + 1;
        if (t == typeof(double)) return current is double d ? d * 0.5 + 0.001 : 0.25;
        if (t == typeof(string)) return (string?)current + "-changed";
        throw new Xunit.Sdk.XunitException($"no changed value for {t.Name}: extend the test");
    }
}
