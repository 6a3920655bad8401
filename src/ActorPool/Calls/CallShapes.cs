namespace ActorPool.Calls;

// The shapes of call that Executor.Submit and Executor.Map accept, one small class each, so that a
// submitted call costs one allocation besides its future (no closure over the arguments).

internal sealed class Call<TResult>(Func<TResult> fn) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    protected override bool RunsOnItsThreadOnly => true;

    protected override TResult Invoke() => fn();
}

internal sealed class Call<T1, TResult>(Func<T1, TResult> fn, T1 arg1) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1];

    protected override bool RunsOnItsThreadOnly => true;

    protected override TResult Invoke() => fn(arg1);
}

internal sealed class Call<T1, T2, TResult>(Func<T1, T2, TResult> fn, T1 arg1, T2 arg2) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1, arg2];

    protected override bool RunsOnItsThreadOnly => true;

    protected override TResult Invoke() => fn(arg1, arg2);
}

internal sealed class Call<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> fn, T1 arg1, T2 arg2, T3 arg3) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1, arg2, arg3];

    protected override bool RunsOnItsThreadOnly => true;

    protected override TResult Invoke() => fn(arg1, arg2, arg3);
}

internal sealed class ActionCall(Action fn) : WorkItem<object?>
{
    public override Delegate Function => fn;

    protected override bool RunsOnItsThreadOnly => true;

    protected override object? Invoke()
    {
        fn();
        return null;
    }
}

internal sealed class ActionCall<T1>(Action<T1> fn, T1 arg1) : WorkItem<object?>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1];

    protected override bool RunsOnItsThreadOnly => true;

    protected override object? Invoke()
    {
        fn(arg1);
        return null;
    }
}

/// <summary>
/// A call whose function takes the call's token last, returns a task, or has no result: the user's delegate, for a
/// process worker to describe, and a static adapter that runs it (cached by the compiler, so no closure per call).
/// </summary>
internal sealed class AdaptedCall<TResult>(Delegate fn, Func<Delegate, CancellationToken, TResult> run) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    protected override TResult Invoke() => run(fn, Token);
}

/// <summary>An <see cref="AdaptedCall{TResult}"/> of one argument.</summary>
internal sealed class AdaptedCall<T1, TResult>(Delegate fn, T1 arg1, Func<Delegate, T1, CancellationToken, TResult> run) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1];

    protected override TResult Invoke() => run(fn, arg1, Token);
}

/// <summary>An <see cref="AdaptedCall{TResult}"/> of two arguments.</summary>
internal sealed class AdaptedCall<T1, T2, TResult>(Delegate fn, T1 arg1, T2 arg2, Func<Delegate, T1, T2, CancellationToken, TResult> run) : WorkItem<TResult>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1, arg2];

    protected override TResult Invoke() => run(fn, arg1, arg2, Token);
}

/// <summary>An <see cref="AdaptedCall{TResult}"/> of three arguments.</summary>
internal sealed class AdaptedCall<T1, T2, T3, TResult>(Delegate fn, T1 arg1, T2 arg2, T3 arg3, Func<Delegate, T1, T2, T3, CancellationToken, TResult> run)
    : WorkItem<TResult>
{
    public override Delegate Function => fn;

    public override object?[] Arguments => [arg1, arg2, arg3];

    protected override TResult Invoke() => run(fn, arg1, arg2, arg3, Token);
}

/// <summary>Several items of one <c>Map</c> in one message; if one item throws, the whole chunk fails, as in Python.</summary>
internal sealed class MapChunk<T1, TResult>(Func<T1, TResult> fn, T1[] items) : WorkItem<TResult[]>
{
    public override Delegate Function => fn;

    public override bool IsChunk => true;

    public override Array[] Columns => [items];

    protected override bool RunsOnItsThreadOnly => true;

    protected override TResult[] Invoke() => Array.ConvertAll(items, item => fn(item));
}

/// <summary>A chunk of a two-sequence <c>Map</c>.</summary>
internal sealed class MapChunk<T1, T2, TResult>(Func<T1, T2, TResult> fn, (T1, T2)[] items) : WorkItem<TResult[]>
{
    public override Delegate Function => fn;

    public override bool IsChunk => true;

    public override Array[] Columns => [Array.ConvertAll(items, item => item.Item1), Array.ConvertAll(items, item => item.Item2)];

    protected override bool RunsOnItsThreadOnly => true;

    protected override TResult[] Invoke() => Array.ConvertAll(items, item => fn(item.Item1, item.Item2));
}
