using System.ComponentModel.DataAnnotations;
using Polly;
using Polly.Retry;

namespace ActorPool.Calls;

/// <summary>
/// A user's <see cref="RetryStrategyOptions"/> made into the Polly pipeline a <see cref="RetriedCall{TResult}"/> runs its
/// attempts through: the user's attempts, delays, backoff and jitter as they are, and their <c>ShouldHandle</c> and
/// <c>OnRetry</c> wrapped so that a canceled call, a poison call or a broken pool is never retried, and a predicate that
/// throws fails its call rather than anything else. Built once for an executor's policy, at each <c>Submit</c> for a call's own.
/// </summary>
internal sealed class RetryRecipe
{
    private static readonly ResiliencePropertyKey<RetriedCall> CallKey = new("ActorPool.RetriedCall");

    private RetryRecipe(ResiliencePipeline pipeline, int maxWorkerDeaths)
    {
        Pipeline = pipeline;
        MaxWorkerDeaths = maxWorkerDeaths;
    }

    public ResiliencePipeline Pipeline { get; }

    /// <summary>The worker deaths at which a call is failed as poison (<see cref="ExecutorPolicy.MaxWorkerDeathsPerCall"/>).</summary>
    public int MaxWorkerDeaths { get; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for options Polly would refuse, naming <paramref name="where"/>.</summary>
    public static void Check(RetryStrategyOptions? options, string where)
    {
        if (options is not null)
        {
            _ = Build(options, 1, where);
        }
    }

    /// <summary>The pipeline for <paramref name="options"/>; throws <see cref="ArgumentOutOfRangeException"/> for options Polly would refuse.</summary>
    public static RetryRecipe Build(RetryStrategyOptions options, int maxWorkerDeaths, string where)
    {
        if (options.MaxRetryAttempts < 0)
        {
            throw new ArgumentOutOfRangeException(
                $"{where}.MaxRetryAttempts", options.MaxRetryAttempts,
                "RetryStrategyOptions.MaxRetryAttempts must not be negative: it is how many times a failed call is tried again (0 for never).");
        }

        var shouldHandle = options.ShouldHandle;
        var onRetry = options.OnRetry;

        // A copy, so the user's options stay theirs; every setting but the two callbacks is Polly's own, as given.
        var wrapped = new RetryStrategyOptions
        {
            Name = options.Name,
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = options.BackoffType,
            UseJitter = options.UseJitter,
            Delay = options.Delay,
            MaxDelay = options.MaxDelay,
            DelayGenerator = options.DelayGenerator,
            Randomizer = options.Randomizer,
            ShouldHandle = args => CallOf(args.Context).ShouldRetryAsync(args, shouldHandle),
            OnRetry = args => CallOf(args.Context).OnRetryAsync(args, onRetry),
        };

        if (options.MaxRetryAttempts == 0)
        {
            // Polly asks for at least one retry; "never" is a policy that handles nothing (a worker's death still fails at once).
            wrapped.MaxRetryAttempts = 1;
            wrapped.ShouldHandle = static _ => PredicateResult.False();
        }

        try
        {
            return new RetryRecipe(new ResiliencePipelineBuilder().AddRetry(wrapped).Build(), maxWorkerDeaths);
        }
        catch (ValidationException e)
        {
            throw new ArgumentOutOfRangeException(where, $"The retry options are not valid: {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="call"/>'s attempts through the pipeline; completes with the last attempt's outcome.</summary>
    public async ValueTask<TResult> RunAsync<TResult>(RetriedCall<TResult> call, CancellationToken stop)
    {
        var context = ResilienceContextPool.Shared.Get(stop);
        try
        {
            context.Properties.Set(CallKey, call);
            return await Pipeline.ExecuteAsync(
                static (context, call) => call.NextAttemptAsync(context.CancellationToken), context, call).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static RetriedCall CallOf(ResilienceContext context) => context.Properties.GetValue(CallKey, null!);
}
