using System.Collections;

namespace ActorPool.Tests.Contract;

/// <summary>0, 1, 2, … up to <c>count</c> items (or forever), counting how many items have been pulled from it.</summary>
internal sealed class CountingSequence(int? count = null) : IEnumerable<int>
{
    private int pulled;

    public int Pulled => Volatile.Read(ref pulled);

    public IEnumerator<int> GetEnumerator()
    {
        for (var i = 0; count is not { } limit || i < limit; i++)
        {
            Interlocked.Increment(ref pulled);
            yield return i;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
