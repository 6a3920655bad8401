using System.Reflection.Metadata;
using ActorPool.Wire;

namespace ActorPool.Security;

/// <summary>
/// The assemblies a cluster worker node runs methods from. A node takes calls from the network, so it checks the
/// names in a call's description before it loads anything: the declaring type's definition must come from a listed
/// assembly, and every type named inside it or as a generic argument (of the method, or of a generic declaring type
/// such as the closure class of a lambda in a generic method) from a listed assembly or the .NET shared framework
/// itself (an <c>int</c>, a <c>List&lt;T&gt;</c>).
/// </summary>
internal sealed class AssemblyAllowList(IEnumerable<string> assemblies)
{
    private readonly HashSet<string> allowed = new(assemblies, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Assemblies => allowed;

    /// <summary>Throws <see cref="UnauthorizedAccessException"/> naming the assembly if <paramref name="function"/> is not allowed.</summary>
    public void Check(CallDescriptor function)
    {
        var declaringType = Parse(function.DeclaringType);
        var declaring = AssemblyOf(declaringType.IsConstructedGenericType ? declaringType.GetGenericTypeDefinition() : declaringType);
        if (!allowed.Contains(declaring))
        {
            throw new UnauthorizedAccessException(
                $"This worker node only runs methods from the assemblies on its allow-list ({string.Join(", ", allowed.Order())}), " +
                $"and the call's method is in '{declaring}'. Start the node with --allow {declaring} (or add it to actorpool.cluster.node.allowed-assemblies) if you trust it.");
        }

        foreach (var assembly in function.GenericArguments.SelectMany(g => AssembliesIn(Parse(g))).Concat(AssembliesIn(declaringType)))
        {
            if (!allowed.Contains(assembly) && !IsRuntime(assembly))
            {
                throw new UnauthorizedAccessException(
                    $"The call's generic argument comes from '{assembly}', which is not on this worker node's allow-list; start the node with --allow {assembly} if you trust it.");
            }
        }
    }

    private static string AssemblyOf(TypeName name) =>
        name.AssemblyName?.Name ?? throw new UnauthorizedAccessException($"'{name.FullName}' does not name its assembly, so this worker node cannot check it against its allow-list.");

    /// <summary>Every assembly a type name refers to: its own, its element type's, its generic arguments'.</summary>
    private static IEnumerable<string> AssembliesIn(TypeName name)
    {
        if (name.IsArray || name.IsPointer || name.IsByRef)
        {
            return AssembliesIn(name.GetElementType());
        }

        return name.IsConstructedGenericType
            ? name.GetGenericArguments().SelectMany(AssembliesIn).Prepend(AssemblyOf(name.GetGenericTypeDefinition()))
            : [AssemblyOf(name)];
    }

    private static TypeName Parse(string assemblyQualifiedName) =>
        TypeName.TryParse(assemblyQualifiedName, out var name)
            ? name
            : throw new UnauthorizedAccessException($"'{assemblyQualifiedName}' is not a type name this worker node can check against its allow-list.");

    /// <summary>True for an assembly of the shared framework this node runs on (not a NuGet package that merely starts with "System.").</summary>
    private static bool IsRuntime(string assembly) =>
        assembly.IndexOfAny(['/', '\\', ':']) < 0 && !assembly.Contains("..", StringComparison.Ordinal)
        && File.Exists(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), assembly + ".dll"));
}
