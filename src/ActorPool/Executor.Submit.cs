using ActorPool.Calls;

namespace ActorPool;

// Every shape of Submit: 0-3 arguments; a function with a result, or without (an Action, whose future's result is null);
// taking the call's token as its last parameter, or not; synchronous, or async (awaited by the worker, the future
// carrying the task's result). Each takes CallOptions last. A call costs one allocation besides its future: the shapes
// that take a token or return a task go through a static adapter, cached by the compiler, rather than a closure.
public abstract partial class Executor
{
    /// <summary>Schedules <paramref name="fn"/>() and returns its future; <paramref name="options"/> say how it may be stopped.</summary>
    /// <remarks>Python's <c>Executor.submit(fn)</c>.</remarks>
    public Future<TResult> Submit<TResult>(Func<TResult> fn, CallOptions? options = null)
        => Submit(new Call<TResult>(Checked(fn)), options);

    /// <summary>Schedules <paramref name="fn"/>(the call's token) and returns its future.</summary>
    public Future<TResult> Submit<TResult>(Func<CancellationToken, TResult> fn, CallOptions? options = null)
        => Submit(new AdaptedCall<TResult>(Checked(fn), static (f, ct) => ((Func<CancellationToken, TResult>)f)(ct)), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<TResult>(Func<Task<TResult>> fn, CallOptions? options = null)
        => Submit(new AdaptedCall<TResult>(Checked(fn), static (f, ct) => Await(((Func<Task<TResult>>)f)())), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(the call's token); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<TResult>(Func<CancellationToken, Task<TResult>> fn, CallOptions? options = null)
        => Submit(new AdaptedCall<TResult>(Checked(fn), static (f, ct) => Await(((Func<CancellationToken, Task<TResult>>)f)(ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(); the future's result is null, as Python's <c>None</c>.</summary>
    /// <remarks>Python's <c>Executor.submit</c> for a function without a result.</remarks>
    public Future<object?> Submit(Action fn, CallOptions? options = null)
        => Submit(new ActionCall(Checked(fn)), options);

    /// <summary>Schedules <paramref name="fn"/>(the call's token); the future's result is null.</summary>
    public Future<object?> Submit(Action<CancellationToken> fn, CallOptions? options = null)
        => Submit(new AdaptedCall<object?>(Checked(fn), static (f, ct) => { ((Action<CancellationToken>)f)(ct); return null; }), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit(Func<Task> fn, CallOptions? options = null)
        => Submit(new AdaptedCall<object?>(Checked(fn), static (f, ct) => Await(((Func<Task>)f)())), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(the call's token); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit(Func<CancellationToken, Task> fn, CallOptions? options = null)
        => Submit(new AdaptedCall<object?>(Checked(fn), static (f, ct) => Await(((Func<CancellationToken, Task>)f)(ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>) and returns its future; <paramref name="options"/> say how it may be stopped.</summary>
    /// <remarks>Python's <c>Executor.submit(fn, arg1)</c>.</remarks>
    public Future<TResult> Submit<T1, TResult>(Func<T1, TResult> fn, T1 arg1, CallOptions? options = null)
        => Submit(new Call<T1, TResult>(Checked(fn), arg1), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, the call's token) and returns its future.</summary>
    public Future<TResult> Submit<T1, TResult>(Func<T1, CancellationToken, TResult> fn, T1 arg1, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, TResult>(Checked(fn), arg1, static (f, a1, ct) => ((Func<T1, CancellationToken, TResult>)f)(a1, ct)), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<T1, TResult>(Func<T1, Task<TResult>> fn, T1 arg1, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, TResult>(Checked(fn), arg1, static (f, a1, ct) => Await(((Func<T1, Task<TResult>>)f)(a1))), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, the call's token); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<T1, TResult>(Func<T1, CancellationToken, Task<TResult>> fn, T1 arg1, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, TResult>(Checked(fn), arg1, static (f, a1, ct) => Await(((Func<T1, CancellationToken, Task<TResult>>)f)(a1, ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>); the future's result is null, as Python's <c>None</c>.</summary>
    /// <remarks>Python's <c>Executor.submit</c> for a function without a result.</remarks>
    public Future<object?> Submit<T1>(Action<T1> fn, T1 arg1, CallOptions? options = null)
        => Submit(new ActionCall<T1>(Checked(fn), arg1), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, the call's token); the future's result is null.</summary>
    public Future<object?> Submit<T1>(Action<T1, CancellationToken> fn, T1 arg1, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, object?>(Checked(fn), arg1, static (f, a1, ct) => { ((Action<T1, CancellationToken>)f)(a1, ct); return null; }), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit<T1>(Func<T1, Task> fn, T1 arg1, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, object?>(Checked(fn), arg1, static (f, a1, ct) => Await(((Func<T1, Task>)f)(a1))), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, the call's token); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit<T1>(Func<T1, CancellationToken, Task> fn, T1 arg1, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, object?>(Checked(fn), arg1, static (f, a1, ct) => Await(((Func<T1, CancellationToken, Task>)f)(a1, ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>) and returns its future; <paramref name="options"/> say how it may be stopped.</summary>
    /// <remarks>Python's <c>Executor.submit(fn, arg1, arg2)</c>.</remarks>
    public Future<TResult> Submit<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new Call<T1, T2, TResult>(Checked(fn), arg1, arg2), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, the call's token) and returns its future.</summary>
    public Future<TResult> Submit<T1, T2, TResult>(Func<T1, T2, CancellationToken, TResult> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, TResult>(Checked(fn), arg1, arg2, static (f, a1, a2, ct) => ((Func<T1, T2, CancellationToken, TResult>)f)(a1, a2, ct)), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<T1, T2, TResult>(Func<T1, T2, Task<TResult>> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, TResult>(Checked(fn), arg1, arg2, static (f, a1, a2, ct) => Await(((Func<T1, T2, Task<TResult>>)f)(a1, a2))), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, the call's token); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<T1, T2, TResult>(Func<T1, T2, CancellationToken, Task<TResult>> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, TResult>(Checked(fn), arg1, arg2, static (f, a1, a2, ct) => Await(((Func<T1, T2, CancellationToken, Task<TResult>>)f)(a1, a2, ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>); the future's result is null, as Python's <c>None</c>.</summary>
    /// <remarks>Python's <c>Executor.submit</c> for a function without a result.</remarks>
    public Future<object?> Submit<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(ActionCallOf(Checked(fn), arg1, arg2), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, the call's token); the future's result is null.</summary>
    public Future<object?> Submit<T1, T2>(Action<T1, T2, CancellationToken> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, object?>(Checked(fn), arg1, arg2, static (f, a1, a2, ct) => { ((Action<T1, T2, CancellationToken>)f)(a1, a2, ct); return null; }), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit<T1, T2>(Func<T1, T2, Task> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, object?>(Checked(fn), arg1, arg2, static (f, a1, a2, ct) => Await(((Func<T1, T2, Task>)f)(a1, a2))), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, the call's token); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit<T1, T2>(Func<T1, T2, CancellationToken, Task> fn, T1 arg1, T2 arg2, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, object?>(Checked(fn), arg1, arg2, static (f, a1, a2, ct) => Await(((Func<T1, T2, CancellationToken, Task>)f)(a1, a2, ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>) and returns its future; <paramref name="options"/> say how it may be stopped.</summary>
    /// <remarks>Python's <c>Executor.submit(fn, arg1, arg2, arg3)</c>.</remarks>
    public Future<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new Call<T1, T2, T3, TResult>(Checked(fn), arg1, arg2, arg3), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>, the call's token) and returns its future.</summary>
    public Future<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, CancellationToken, TResult> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, T3, TResult>(Checked(fn), arg1, arg2, arg3, static (f, a1, a2, a3, ct) => ((Func<T1, T2, T3, CancellationToken, TResult>)f)(a1, a2, a3, ct)), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, T3, TResult>(Checked(fn), arg1, arg2, arg3, static (f, a1, a2, a3, ct) => Await(((Func<T1, T2, T3, Task<TResult>>)f)(a1, a2, a3))), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>, the call's token); the worker awaits it, and the future carries its result.</summary>
    public Future<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, CancellationToken, Task<TResult>> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, T3, TResult>(Checked(fn), arg1, arg2, arg3, static (f, a1, a2, a3, ct) => Await(((Func<T1, T2, T3, CancellationToken, Task<TResult>>)f)(a1, a2, a3, ct))), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>); the future's result is null, as Python's <c>None</c>.</summary>
    /// <remarks>Python's <c>Executor.submit</c> for a function without a result.</remarks>
    public Future<object?> Submit<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(ActionCallOf(Checked(fn), arg1, arg2, arg3), options);

    /// <summary>Schedules <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>, the call's token); the future's result is null.</summary>
    public Future<object?> Submit<T1, T2, T3>(Action<T1, T2, T3, CancellationToken> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, T3, object?>(Checked(fn), arg1, arg2, arg3, static (f, a1, a2, a3, ct) => { ((Action<T1, T2, T3, CancellationToken>)f)(a1, a2, a3, ct); return null; }), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit<T1, T2, T3>(Func<T1, T2, T3, Task> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, T3, object?>(Checked(fn), arg1, arg2, arg3, static (f, a1, a2, a3, ct) => Await(((Func<T1, T2, T3, Task>)f)(a1, a2, a3))), options);

    /// <summary>Schedules the async function <paramref name="fn"/>(<paramref name="arg1"/>, <paramref name="arg2"/>, <paramref name="arg3"/>, the call's token); the worker awaits it, and the future's result is null.</summary>
    public Future<object?> Submit<T1, T2, T3>(Func<T1, T2, T3, CancellationToken, Task> fn, T1 arg1, T2 arg2, T3 arg3, CallOptions? options = null)
        => Submit(new AdaptedCall<T1, T2, T3, object?>(Checked(fn), arg1, arg2, arg3, static (f, a1, a2, a3, ct) => Await(((Func<T1, T2, T3, CancellationToken, Task>)f)(a1, a2, a3, ct))), options);
    // An action of two or three arguments has no call shape of its own: it runs as an adapted call whose result is null.
    private static AdaptedCall<T1, T2, object?> ActionCallOf<T1, T2>(Action<T1, T2> fn, T1 arg1, T2 arg2) =>
        new(fn, arg1, arg2, static (f, a1, a2, ct) => { ((Action<T1, T2>)f)(a1, a2); return null; });

    private static AdaptedCall<T1, T2, T3, object?> ActionCallOf<T1, T2, T3>(Action<T1, T2, T3> fn, T1 arg1, T2 arg2, T3 arg3) =>
        new(fn, arg1, arg2, arg3, static (f, a1, a2, a3, ct) => { ((Action<T1, T2, T3>)f)(a1, a2, a3); return null; });

    private static TDelegate Checked<TDelegate>(TDelegate fn)
        where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(fn);
        return fn;
    }

    /// <summary>Waits, on the worker, for the task an async function returned; its exception is the call's.</summary>
    private static TResult Await<TResult>(Task<TResult> task) =>
        (task ?? throw new InvalidOperationException("The async function returned a null Task instead of a task to await.")).GetAwaiter().GetResult();

    private static object? Await(Task task)
    {
        (task ?? throw new InvalidOperationException("The async function returned a null Task instead of a task to await.")).GetAwaiter().GetResult();
        return null;
    }
}
