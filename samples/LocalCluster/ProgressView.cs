namespace LocalCluster;

/// <summary>
/// How the demo shows its progress: a live table redrawn in place on a terminal (<see cref="LiveProgressView"/>),
/// plain lines when the output is redirected to a file, a pipe or CI (<see cref="PlainProgressView"/>), where
/// cursor movements would only be noise.
/// </summary>
internal abstract class ProgressView
{
    /// <summary>The view that suits this process's standard output.</summary>
    public static ProgressView ForConsole() =>
        LiveProgressView.Supported ? new LiveProgressView() : new PlainProgressView();

    /// <summary>Runs <paramref name="watch"/>, which calls the other members, with the view on screen.</summary>
    public abstract T Show<T>(Func<T> watch);

    /// <summary>Shows the counts; called often, it draws as often as the output suits.</summary>
    public abstract void Update(Tally.Snapshot counts, TimeSpan elapsed);

    /// <summary>
    /// Prints <paramref name="line"/> on a line of its own, above the live view if there is one. Any thread may call
    /// it: done-callbacks and the node processes' output do.
    /// </summary>
    public abstract void Event(string line);

    /// <summary>Draws the final counts and leaves them on screen.</summary>
    public abstract void Finish(Tally.Snapshot counts, TimeSpan elapsed);

    /// <summary>The counts in one line of text.</summary>
    protected static string Status(Tally.Snapshot counts, TimeSpan elapsed) =>
        $"{counts.Done,3}/{counts.Total} done ({counts.Ok} ok, {counts.Failed} failed) {elapsed.TotalSeconds,5:F1} s";
}
