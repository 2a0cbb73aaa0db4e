using System.Globalization;

namespace EdgeIL.Device.Targets;

/// <summary>What a line of the standard-input protocol asks for.</summary>
public enum LineCommandKind
{
    /// <summary>Nothing: a blank line or a comment.</summary>
    None,

    /// <summary>Label every following frame with <see cref="LineCommand.Label"/> until told otherwise.</summary>
    Hold,

    /// <summary>Label only the next frame.</summary>
    Once,

    /// <summary>Stop labelling.</summary>
    Clear,

    /// <summary>Export the model to ONNX.</summary>
    Export,

    /// <summary>Save a checkpoint now.</summary>
    Checkpoint,

    /// <summary>Stop the run cleanly.</summary>
    Quit,
}

/// <summary>One parsed line of the standard-input protocol.</summary>
/// <param name="Kind">What the line asks for.</param>
/// <param name="Label">The class for <see cref="LineCommandKind.Hold"/> and <see cref="LineCommandKind.Once"/>; otherwise -1.</param>
public readonly record struct LineCommand(LineCommandKind Kind, int Label);

/// <summary>
/// The line protocol on standard input: one command per line, so a person at a terminal, a shell
/// pipe or another program can label frames and control the run.
/// </summary>
/// <remarks>
/// <code>
/// 3            label following frames as class 3 (same as "label 3")
/// once 3       label only the next frame as class 3
/// none         stop labelling (also "-")
/// export       write the ONNX model
/// checkpoint   save a checkpoint now
/// quit         stop cleanly (also end of input is NOT a quit: a closed stdin just stops labelling)
/// # text       a comment; blank lines are ignored too
/// </code>
/// </remarks>
public static class LineProtocol
{
    /// <summary>The help text listed with a parse error.</summary>
    public const string Usage = "expected a class number, \"label K\", \"once K\", \"none\", \"export\", \"checkpoint\" or \"quit\"";

    /// <summary>Parses one line.</summary>
    /// <param name="line">The line, without its line ending.</param>
    /// <param name="classCount">The number of classes; labels must be 0..classCount - 1.</param>
    /// <param name="command">The command, when the line is valid.</param>
    /// <param name="error">What is wrong with the line, when it is not.</param>
    /// <returns>True when the line is valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> line, int classCount, out LineCommand command, out string? error)
    {
        command = new LineCommand(LineCommandKind.None, -1);
        error = null;
        ReadOnlySpan<char> text = line.Trim();
        if (text.IsEmpty || text[0] == '#')
        {
            return true;
        }

        int space = text.IndexOf(' ');
        ReadOnlySpan<char> word = space < 0 ? text : text[..space];
        ReadOnlySpan<char> argument = space < 0 ? [] : text[(space + 1)..].Trim();
        LineCommandKind kind;
        if (char.IsAsciiDigit(word[0]))
        {
            kind = LineCommandKind.Hold;
            argument = text;
        }
        else if (word.Equals("label", StringComparison.OrdinalIgnoreCase))
        {
            kind = LineCommandKind.Hold;
        }
        else if (word.Equals("once", StringComparison.OrdinalIgnoreCase))
        {
            kind = LineCommandKind.Once;
        }
        else
        {
            kind = word switch
            {
                _ when word.Equals("none", StringComparison.OrdinalIgnoreCase) || word.SequenceEqual("-") => LineCommandKind.Clear,
                _ when word.Equals("export", StringComparison.OrdinalIgnoreCase) => LineCommandKind.Export,
                _ when word.Equals("checkpoint", StringComparison.OrdinalIgnoreCase) => LineCommandKind.Checkpoint,
                _ when word.Equals("quit", StringComparison.OrdinalIgnoreCase) => LineCommandKind.Quit,
                _ => LineCommandKind.None,
            };
            if (kind == LineCommandKind.None)
            {
                error = $"unknown command \"{word}\"; {Usage}";
                return false;
            }

            if (!argument.IsEmpty)
            {
                error = $"\"{word}\" takes no argument; got \"{argument}\"";
                return false;
            }

            command = new LineCommand(kind, -1);
            return true;
        }

        if (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out int label))
        {
            error = argument.IsEmpty ? $"\"{word}\" needs a class number" : $"\"{argument}\" is not a class number; {Usage}";
            return false;
        }

        if (label >= classCount)
        {
            error = $"class {label} is out of range; classes are 0..{classCount - 1}";
            return false;
        }

        command = new LineCommand(kind, label);
        return true;
    }
}
