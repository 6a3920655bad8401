using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorPool.Remoting;

/// <summary>
/// How arguments and results travel to and from worker processes: System.Text.Json, read and written as the
/// method's declared types. It is in the box (no extra package), carries no type names (so a message can
/// never make the receiver load a type it did not ask for), and handles primitives, strings, arrays, lists,
/// dictionaries, tuples (fields included), records and plain classes.
/// </summary>
internal static class Payload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static byte[] Serialize(object? value, Type type, string what)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, type, Options);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new PayloadException($"{what} of type {type.Name} cannot be sent between processes: {e.Message}", e);
        }
    }

    public static object? Deserialize(byte[] bytes, Type type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Options);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException or ArgumentException)
        {
            throw new PayloadException($"{what} could not be read back as {type.Name}: {e.Message}", e);
        }
    }
}
