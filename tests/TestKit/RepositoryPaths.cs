namespace AiAspire.TestKit;

public static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding AiAspire.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The public datasets in <c>../shared/data</c> beside the repository.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AiAspire.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("AiAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
