using System.Globalization;

namespace FBNetV2.MLNet;

/// <summary>
/// The settings of a record that describes how something ran (<see cref="Training.TrainingRecipe"/>,
/// <see cref="Search.SearchRecipe"/>) as name-value pairs: one walk over the public properties, so a setting added to
/// the record reaches metrics.json and the report without a second list to keep in step.
/// </summary>
internal static class SettingFields
{
    /// <summary>Name and value of every public property, in declaration order, names camelCased as in metrics.json.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Of<T>(T record) where T : notnull =>
        typeof(T).GetProperties()
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => new KeyValuePair<string, object?>(char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p.GetValue(record)))
            .ToList();

    /// <summary>The same as report facts: numbers in the invariant culture, <paramref name="unset"/> for null values.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Facts(IEnumerable<KeyValuePair<string, object?>> fields, string unset) =>
        fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value switch
        {
            null => unset,
            IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString() ?? "",
        })).ToList();
}
