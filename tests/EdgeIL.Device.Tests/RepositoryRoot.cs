namespace EdgeIL.Device.Tests;

internal static class RepositoryRoot
{
    /// <summary>
    /// Finds the checkout the tests were built from by walking up from the test binaries to the folder
    /// holding EdgeIL.sln, so the tests read the committed samples wherever the repository is cloned.
    /// </summary>
    public static string Find()
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
}
