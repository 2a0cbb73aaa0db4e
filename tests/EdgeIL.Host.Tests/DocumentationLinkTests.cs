using System.CommandLine;
using System.Text.RegularExpressions;

namespace EdgeIL.Host.Tests;

/// <summary>
/// Every <c>docs/...</c> path that the source, the project files, the READMEs and the command-line help
/// cite must exist in the repository: a user who follows a pointer from <c>--help</c> or a comment
/// must find the page.
/// </summary>
public partial class DocumentationLinkTests
{
    [Fact]
    public void CitedDocsPaths_InSourceReadmesAndHelp_AllExist()
    {
        string root = FindRepositoryRoot();
        var citations = new List<(string Where, string Path)>();
        IEnumerable<string> files = new[] { "src", "tests", "tools", "firmware-config" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*", SearchOption.AllDirectories))
            .Where(file => Path.GetExtension(file) is ".cs" or ".csproj" or ".md" && !IsBuildOutput(root, file))
            .Append(Path.Combine(root, "README.md"));
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(root, file);
            if (relative == Path.Combine("tests", "EdgeIL.Host.Tests", "DocumentationLinkTests.cs"))
            {
                continue;
            }

            citations.AddRange(Cited(File.ReadAllText(file)).Select(path => (relative, path)));
        }

        foreach (string help in HelpTexts(HostCommands.CreateRoot(TextWriter.Null, TextWriter.Null)))
        {
            citations.AddRange(Cited(help).Select(path => ("edgeil --help", path)));
        }

        string[] missing = citations
            .Where(c => !File.Exists(Path.Combine(root, c.Path)) && !Directory.Exists(Path.Combine(root, c.Path)))
            .Select(c => $"{c.Where} cites {c.Path}")
            .Distinct()
            .ToArray();

        Assert.True(missing.Length == 0, "Cited but missing:\n" + string.Join('\n', missing));
        Assert.Contains(citations, c => c.Path == "docs/algorithms.md");
    }

    [Fact]
    public void Cited_FindsFullAndBareCitations()
    {
        string text = "see docs/results/online/results.md, the defaults of algorithms.md's table and (docs/algorithms.md).";

        Assert.Equal(["docs/results/online/results.md", "docs/algorithms.md", "docs/algorithms.md"], Cited(text));
    }

    /// <summary>
    /// The <c>docs/</c> paths in <paramref name="text"/>. The source also cites the algorithms page by its
    /// bare name (<c>algorithms.md's defaults</c>), which means <c>docs/algorithms.md</c>.
    /// </summary>
    private static List<string> Cited(string text)
    {
        var paths = new List<string>();
        foreach (Match match in CitationPattern().Matches(text))
        {
            string path = match.Value.TrimEnd('.', ',', ':', ';', '\'');
            paths.Add(path.StartsWith("docs/", StringComparison.Ordinal) ? path : "docs/" + path);
        }

        return paths;
    }

    private static IEnumerable<string> HelpTexts(Command command)
    {
        yield return command.Description ?? string.Empty;
        foreach (Option option in command.Options)
        {
            yield return option.Description ?? string.Empty;
        }

        foreach (Argument argument in command.Arguments)
        {
            yield return argument.Description ?? string.Empty;
        }

        foreach (string text in command.Subcommands.SelectMany(HelpTexts))
        {
            yield return text;
        }
    }

    private static bool IsBuildOutput(string root, string file)
    {
        string[] parts = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
        return parts.Contains("bin") || parts.Contains("obj");
    }

    // Walks up from the test binaries; the process's current directory is never read or changed.
    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EdgeIL.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds EdgeIL.sln.");
    }

    [GeneratedRegex(@"(?<![\w/.-])(docs/[\w./-]*[\w/]|algorithms\.md)")]
    private static partial Regex CitationPattern();
}
