using System.Globalization;

namespace CharityDay.Api.Http;

/// <summary>
/// SPEC §4: names and other free text are 1–200 characters without control or bidirectional
/// override characters. A name is shown to donors, sponsors and auditors (boards, disclosures,
/// statements, the audit log): a right-to-left override can make "Relief" read as another name,
/// and a control character can break a CSV row or a log line.
/// </summary>
public static class FreeText
{
    /// <summary>Null when the text is acceptable, else what is wrong with it. Length counts Unicode characters, not UTF-16 units.</summary>
    public static string? Check(string text, int maxLength)
    {
        var characters = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"must not hold an unpaired surrogate (U+{(int)c:X4} at {i})";
            }
            else if (char.IsControl(c))
            {
                return $"must not hold control characters (U+{(int)c:X4} at {i})";
            }
            else if (IsBidiControl(c))
            {
                return $"must not hold bidirectional control characters (U+{(int)c:X4} at {i})";
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return $"must not hold line or paragraph separators (U+{(int)c:X4} at {i})";
            }
            characters++;
        }
        return characters == 0 || characters > maxLength ? $"must be 1–{maxLength} characters" : null;
    }

    /// <summary>
    /// The embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the invisible
    /// direction marks (U+200E, U+200F, U+061C), which plain names never need.
    /// </summary>
    public static bool IsBidiControl(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
