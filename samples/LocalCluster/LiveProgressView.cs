using Spectre.Console;

namespace LocalCluster;

/// <summary>
/// The view for a terminal: a Spectre.Console live table, one row per node with a bar of the calls it finished
/// (green) and failed (red), redrawn in place. A live display is not thread-safe and cannot share the terminal
/// with anything else: other threads' lines wait in a queue for the thread running <see cref="Show{T}"/>, which
/// prints them above the table, and while the table is up this process's own console output (Akka's log lines)
/// joins that queue. The node processes print through this process too (started with an output callback).
/// </summary>
internal sealed class LiveProgressView : ProgressView
{
    private const int BarWidth = 36;

    // Bound to the real standard output now, before Show points Console.Out at the queue.
    private static readonly IAnsiConsole Terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    private readonly Lock gate = new();
    private readonly Queue<string> pending = new();
    private LiveDisplayContext? live;

    /// <summary>True when standard output is a terminal that takes cursor movements.</summary>
    public static bool Supported =>
        !Console.IsOutputRedirected && Terminal.Profile.Capabilities is { Ansi: true, Interactive: true };

    public override T Show<T>(Func<T> watch)
    {
        var console = Console.Out;
        return Terminal.Live(new Text("Waiting for the first call..."))
            .AutoClear(false) // the final table stays above the summary
            .Start(context =>
            {
                lock (gate)
                {
                    live = context;
                }

                Console.SetOut(new LineWriter(Event));
                try
                {
                    return watch();
                }
                finally
                {
                    Console.SetOut(console);
                    lock (gate)
                    {
                        PrintPending();
                        live = null;
                    }
                }
            });
    }

    public override void Update(Tally.Snapshot counts, TimeSpan elapsed)
    {
        lock (gate)
        {
            PrintPending();
            live?.UpdateTarget(Render(counts, elapsed));
        }
    }

    public override void Event(string line)
    {
        lock (gate)
        {
            if (live is null)
            {
                Terminal.WriteLine(line);
            }
            else
            {
                pending.Enqueue(line);
            }
        }
    }

    public override void Finish(Tally.Snapshot counts, TimeSpan elapsed)
    {
        Update(counts, elapsed);
        live?.Refresh();
    }

    // Written through the live display's console, which draws them where the table was and the table below them.
    // It pads the table's lines but not others, so a grid as wide as the terminal pads the lines printed over it.
    private void PrintPending()
    {
        if (pending.Count == 0)
        {
            return;
        }

        var lines = new Grid().Expand().AddColumn();
        while (pending.TryDequeue(out var line))
        {
            lines.AddRow(new Text(line));
        }

        Terminal.Write(lines);
    }

    private static Rows Render(Tally.Snapshot counts, TimeSpan elapsed)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("node")
            .AddColumn(new TableColumn($"calls, of all {counts.Total}").NoWrap())
            .AddColumn(new TableColumn("ok").RightAligned())
            .AddColumn(new TableColumn("failed").RightAligned())
            .AddColumn("");
        foreach (var node in counts.Nodes)
        {
            table.AddRow(
                new Text(node.Node),
                Bar(node.Ok, node.Failed, counts.Total),
                new Text($"{node.Ok}"),
                new Markup(node.Failed > 0 ? $"[red]{node.Failed}[/]" : "0"),
                new Text(node.Notes, new Style(Color.Yellow)));
        }

        table.AddEmptyRow();
        table.AddRow(new Markup("[bold]all[/]"), Bar(counts.Ok, counts.Failed, counts.Total), new Text($"{counts.Ok}"), new Text($"{counts.Failed}"), Text.Empty);
        return new Rows(new Text(Status(counts, elapsed)), table);
    }

    /// <summary>A bar whose full width is all the calls: green for those done, red for those failed.</summary>
    private static Markup Bar(int ok, int failed, int total)
    {
        int Cells(int calls) => total == 0 ? 0 : (int)Math.Round((double)calls * BarWidth / total);
        var (full, empty) = Terminal.Profile.Capabilities.Unicode ? ('━', '─') : ('#', '-');
        var green = Cells(ok);
        var red = Math.Min(Cells(failed), BarWidth - green);
        return new Markup($"[green]{new string(full, green)}[/][red]{new string(full, red)}[/][grey]{new string(empty, BarWidth - green - red)}[/]");
    }
}
