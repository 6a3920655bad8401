using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using Akka.Configuration;

namespace ActorPool.Cluster.Node;

/// <summary>
/// The node program's command line (<see cref="ClusterWorkerNode.RunAsync"/>), on System.CommandLine: <c>--help</c>, <c>--version</c>,
/// <c>--opt value</c> and <c>--opt=value</c>, and errors that name the option. The secret never comes from here.
/// </summary>
internal sealed class NodeCommandLine
{
    private readonly Option<string[]> Seed = new("--seed")
    {
        Description = "A member to join through, e.g. akka.tcp://actorpool@10.0.0.5:4053 (repeat it for several).",
        HelpName = "address",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> Host = new("--host")
    {
        Description = "The interface to listen on; the default, 127.0.0.1, is this machine only.",
        HelpName = "name",
    };

    private readonly Option<int> Port = new("--port")
    {
        Description = "The port to listen on; the default, 0, takes a free one.",
        HelpName = "n",
        CustomParser = static result => WholeNumber(result) ?? 0,
    };

    private readonly Option<int?> Workers = new("--workers")
    {
        Description = "Worker actors per executor; the default is one per processor.",
        HelpName = "n",
        CustomParser = WholeNumber,
    };

    private readonly Option<string[]> Allow = new("--allow")
    {
        Description = "Assemblies whose methods may run here, comma-separated or repeated; the default is this app's own.",
        HelpName = "assembly[,assembly...]",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<FileInfo> ConfigFile = new("--config")
    {
        Description = "HOCON over ActorPool's cluster defaults (TLS, for example: hocon/cluster-tls.conf).",
        HelpName = "file",
    };

    private readonly Option<bool> SecretStdin = new("--secret-stdin")
    {
        Description = "Read the cluster secret from the first line of stdin, and leave when stdin ends. Without it, the secret comes from ACTORPOOL_CLUSTER_SECRET.",
    };

    /// <summary>The hidden option <see cref="LocalNodeProcess"/> passes: a role only its node has, by which the executors in its parent find the node when its process exits.</summary>
    public const string LocalNodeRoleOption = "--local-node-role";

    private readonly Option<string> LocalNodeRole = new(LocalNodeRoleOption) { Hidden = true };

    // Not an option at all: named only so that passing it says why it is refused.
    private readonly Option<string> Secret = new("--secret") { Hidden = true };

    /// <summary>What was asked for: a node to run, or an exit code once help, the version or the errors have been printed.</summary>
    public readonly record struct Request(ClusterNodeOptions? Options, bool SecretFromStdin, int ExitCode);

    /// <summary>Parses <paramref name="args"/>; prints help, the version, or the errors (exit code 2) itself.</summary>
    public static Task<Request> ParseAsync(string[] args) => new NodeCommandLine().Parse(args);

    private async Task<Request> Parse(string[] args)
    {
        var root = Command();
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Run with --help for the options.").ConfigureAwait(false);
            return new Request(null, false, 2);
        }

        if (result.Action is not null)
        {
            return new Request(null, false, await result.InvokeAsync().ConfigureAwait(false)); // --help or --version
        }

        var options = new ClusterNodeOptions
        {
            Hostname = result.GetValue(Host),
            Port = result.GetValue(Port),
            Workers = result.GetValue(Workers),
            LocalNodeRole = result.GetValue(LocalNodeRole),
        };
        foreach (var seed in result.GetValue(Seed) ?? [])
        {
            options.Seeds.Add(seed);
        }

        foreach (var name in (result.GetValue(Allow) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            options.AllowedAssemblies.Add(name);
        }

        if (result.GetValue(ConfigFile) is { } file)
        {
            options.Config = ConfigurationFactory.ParseString(await File.ReadAllTextAsync(file.FullName).ConfigureAwait(false));
        }

        return new Request(options, result.GetValue(SecretStdin), 0);
    }

    private RootCommand Command()
    {
        var version = typeof(NodeCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var root = new RootCommand(
            $"An ActorPool cluster worker node{(version is null ? "" : $" ({version})")}: joins a ClusterPoolExecutor's cluster and runs its calls. " +
            "Run it as: dotnet exec --runtimeconfig App.runtimeconfig.json --depsfile App.deps.json ActorPool.Cluster.dll --seed ADDRESS")
        {
            Seed, Host, Port, Workers, Allow, ConfigFile, SecretStdin, LocalNodeRole, Secret,
        };
        Port.Validators.Add(static option =>
        {
            if (Value<int>(option) is < 0 and var port)
            {
                option.AddError($"--port must be 0 or more, not {port}.");
            }
        });
        Workers.Validators.Add(static option =>
        {
            if (Value<int?>(option) is <= 0 and var workers)
            {
                option.AddError($"--workers must be 1 or more, not {workers}.");
            }
        });
        ConfigFile.Validators.Add(static option =>
        {
            if (Value<FileInfo>(option) is { Exists: false } file)
            {
                option.AddError($"--config: no file at {file.FullName}.");
            }
        });
        LocalNodeRole.Validators.Add(static option =>
        {
            if (Value<string>(option) is { } role && !Coordinator.LocalNodeExits.IsLocalNodeRole(role))
            {
                option.AddError($"{LocalNodeRoleOption} takes only a role LocalNodeProcess makes, not '{role}'.");
            }
        });
        Secret.Validators.Add(static option =>
            option.AddError("The secret never goes on the command line (other users can read it there): set ACTORPOOL_CLUSTER_SECRET, or pass --secret-stdin."));
        return root;
    }

    /// <summary>An option's one token as a whole number; an error naming the option otherwise.</summary>
    private static int? WholeNumber(ArgumentResult result)
    {
        var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(token, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        var name = (result.Parent as OptionResult)?.Option.Name ?? "the option";
        result.AddError($"{name} takes a whole number, not '{token}'.");
        return null;
    }

    /// <summary>The option's value, or the default when it cannot be converted (the parser reports that itself, naming the option).</summary>
    private static T? Value<T>(OptionResult option)
    {
        try
        {
            return option.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
