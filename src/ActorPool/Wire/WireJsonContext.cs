using System.Text.Json.Serialization;

namespace ActorPool.Wire;

/// <summary>
/// Serialization code generated at build time for ActorPool's own JSON (an initializer's <see cref="CallDescriptor"/>,
/// handed to a worker on its stdin), so it needs no reflection over our types. Users' payloads stay reflection-based
/// (<see cref="Payload"/>): their types are not known here.
/// </summary>
[JsonSerializable(typeof(CallDescriptor))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
