namespace EdgeIL.Host.Commands;

/// <summary>Process exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>Finished and wrote everything.</summary>
    public const int Success = 0;

    /// <summary>An error in EdgeIL itself (a bug): reported in one line, with details under <c>--verbose</c>.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input: a malformed file, an unknown dataset, an option out of range, a file that cannot be read or written.</summary>
    public const int BadInput = 2;

    /// <summary>Stopped by Ctrl-C; what was measured so far was written and marked partial.</summary>
    public const int Interrupted = 130;

    /// <summary>A check failed (e.g. an exported model disagrees with EdgeIL past the tolerance).</summary>
    public const int CheckFailed = 3;
}
