using System.Text;
using System.Text.Json;

namespace EdgeIL.Host.Experiments;

/// <summary>A table of results over seeds, laid out like the paper's: one row per algorithm, "mean (±std)" cells.</summary>
public sealed class ResultTable(string title, string corner, IReadOnlyList<string> columns, string format)
{
    private readonly List<(string Row, SeedStatistics[] Cells, double[][] Values)> _rows = [];

    /// <summary>The table's caption.</summary>
    public string Title => title;

    /// <summary>Adds a row; <paramref name="values"/> holds, per column, the value of each seed.</summary>
    public void Add(string row, IReadOnlyList<IReadOnlyList<double>> values)
    {
        _rows.Add((row, values.Select(v => SeedStatistics.Of(v)).ToArray(), values.Select(v => v.ToArray()).ToArray()));
    }

    /// <summary>The cell statistics of a row.</summary>
    public SeedStatistics[] Row(string row) => _rows.Single(r => r.Row == row).Cells;

    /// <summary>The table in Markdown.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine($"**{title}**").AppendLine();
        text.Append($"| {corner} |").AppendJoin(string.Empty, columns.Select(c => $" {c} |")).AppendLine();
        text.Append("|---|").Append(string.Concat(Enumerable.Repeat("---:|", columns.Count))).AppendLine();
        foreach ((string row, SeedStatistics[] cells, _) in _rows)
        {
            text.Append($"| {row} |").AppendJoin(string.Empty, cells.Select(c => $" {c.Format(format)} |")).AppendLine();
        }

        return text.ToString();
    }

    /// <summary>The table as JSON: per row and column the mean, standard deviation and the value of each seed.</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("title", title);
        json.WriteString("rows_are", corner);
        json.WriteStartArray("columns");
        foreach (string column in columns)
        {
            json.WriteStringValue(column);
        }

        json.WriteEndArray();
        json.WriteStartArray("rows");
        foreach ((string row, SeedStatistics[] cells, double[][] values) in _rows)
        {
            json.WriteStartObject();
            json.WriteString("name", row);
            json.WriteStartArray("cells");
            for (int c = 0; c < cells.Length; c++)
            {
                json.WriteStartObject();
                WriteNumber(json, "mean", cells[c].Mean);
                WriteNumber(json, "std", cells[c].StandardDeviation);
                json.WriteStartArray("seeds");
                foreach (double value in values[c])
                {
                    if (double.IsFinite(value))
                    {
                        json.WriteNumberValue(Math.Round(value, 6));
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
