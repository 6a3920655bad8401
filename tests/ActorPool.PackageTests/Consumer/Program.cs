using ActorPool;

// One call on a process pool; the answer says which process computed it.
using var pool = new ProcessPoolExecutor(maxWorkers: 1);
var answer = await pool.Submit(SquareWithPid, 7);
Console.WriteLine(answer[1] != Environment.ProcessId ? $"square {answer[0]} from a worker process" : "square computed in the app's own process");

static int[] SquareWithPid(int x) => [x * x, Environment.ProcessId];
