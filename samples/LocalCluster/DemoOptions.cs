using System.Globalization;
using Akka.Configuration;

namespace LocalCluster;

/// <summary>The demo's command line (a node's is <see cref="ActorPool.Cluster.ClusterWorkerNode.RunAsync"/>'s).</summary>
internal sealed record DemoOptions
{
    public const string Usage = """
        ActorPool's local cluster demo: a coordinator in this process, worker nodes in child processes on 127.0.0.1.
        Usage:
          dotnet run --project samples/LocalCluster [-- OPTIONS]
          dotnet run --project samples/LocalCluster -- node --seed ADDRESS [NODE OPTIONS]
              runs this app as a worker node that joins ADDRESS (set ACTORPOOL_CLUSTER_SECRET first);
              `-- node --help` lists the node options
        Options:
          --nodes N            worker node processes to start (default 3)
          --workers N          worker actors per node (default 2)
          --no-kill            kill no node (by default one is killed with SIGKILL mid-run)
          --partition          cut a node off the network mid-run instead of killing it: the coordinator and each node
                               run in a network namespace of their own (Linux, as root)
          --coordinator-only   start no nodes: wait for nodes started elsewhere with the printed command
          --host NAME          the coordinator's interface (default 127.0.0.1: this machine only)
          --port N             the coordinator's port (default: a free one)
          --config FILE        HOCON for the coordinator, e.g. public-hostname or TLS (hocon/cluster-tls.conf)
        """;

    public int Nodes { get; private init; } = 3;

    public int Workers { get; private init; } = 2;

    public bool Kill { get; private init; } = true;

    public bool CoordinatorOnly { get; private init; }

    public bool Partition { get; private init; }

    public string? Host { get; private init; }

    public int? Port { get; private init; }

    public Config? Config { get; private init; }

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--nodes" => options with { Nodes = Number(args[i], Value()) },
                "--workers" => options with { Workers = Number(args[i], Value()) },
                "--no-kill" => options with { Kill = false },
                "--coordinator-only" => options with { CoordinatorOnly = true },
                "--partition" => options with { Partition = true },
                "--host" => options with { Host = Value() },
                "--port" => options with { Port = Number(args[i], Value()) },
                "--config" => options with { Config = Hocon(Value()) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return options.Partition && (options.CoordinatorOnly || options.Host is not null || !options.Kill)
            ? throw new ArgumentException("--partition makes its own network for the coordinator and the nodes and cuts one off: it goes with neither --coordinator-only, --host nor --no-kill.")
            : options;
    }

    private static int Number(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{option} takes a positive number, not '{value}'.");

    private static Config Hocon(string path) =>
        File.Exists(path) ? ConfigurationFactory.ParseString(File.ReadAllText(path)) : throw new ArgumentException($"--config: no file at {path}.");
}
