using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace EdgeIL.Learner;

/// <summary>
/// A fixed set of threads across which a learner splits the matrix work of its batch-1 steps
/// (<see cref="OnlineLearner.Workers"/>; docs/algorithms.md, "Several cores"). The calling thread does
/// the first share of every split and <see cref="Threads"/> - 1 workers the others. Between splits a
/// worker spins for a while, because the next split of the same step follows within one product's time
/// (10-11 µs for 784-500-500-10's); then it parks, so that a device waiting for its next frame spends no
/// CPU on it.
/// </summary>
/// <remarks>
/// One learner at a time may use a pool. The results of a learner do not depend on the number of
/// threads: every value is computed by one thread, in the same order whatever the split.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    /// <summary>The most threads a pool takes: more than any board this runs on has cores.</summary>
    public const int MaxThreads = 64;

    // 200 µs: twenty times the longest product between two splits of a step measured here, so workers do
    // not park in mid-step even on a slower core; past it the worker parks.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5_000;

    private readonly Worker[] _workers;
    private IPartitionedWork? _work;
    private long _generation;
    private int _pending;
    private int _running;
    private ExceptionDispatchInfo? _failure;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="threads"/> - 1 worker threads.</summary>
    /// <param name="threads">Threads that share the work, the calling one included: 1 to <see cref="MaxThreads"/>.</param>
    public WorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, MaxThreads);
        Threads = threads;
        _workers = new Worker[threads - 1];
        for (int k = 0; k < _workers.Length; k++)
        {
            _workers[k] = new Worker(this, k + 1);
        }
    }

    /// <summary>The threads that share the work, the calling one included.</summary>
    public int Threads { get; }

    /// <summary>Stops the workers; a learner that still holds the pool can no longer step.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Interlocked.Increment(ref _generation);
        foreach (Worker worker in _workers)
        {
            worker.Stop();
        }
    }

    /// <summary>Runs <c>work.Run(part, Threads)</c> for every part, part 0 on the calling thread, and returns when all are done.</summary>
    internal void Run(IPartitionedWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("Two learners, or two threads, used one worker pool at the same time.");
        }

        try
        {
            if (_workers.Length == 0)
            {
                work.Run(0, 1);
                return;
            }

            _work = work;
            _failure = null;
            Volatile.Write(ref _pending, _workers.Length);
            Interlocked.Increment(ref _generation);
            foreach (Worker worker in _workers)
            {
                worker.WakeIfParked();
            }

            work.Run(0, Threads);
            var wait = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
            {
                wait.SpinOnce(sleep1Threshold: -1);
            }

            _work = null;
            _failure?.Throw();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private sealed class Worker
    {
        private readonly WorkerPool _pool;
        private readonly int _part;
        private readonly ManualResetEventSlim _wake = new(false, spinCount: 1);
        private readonly Thread _thread;
        private int _parked;

        public Worker(WorkerPool pool, int part)
        {
            _pool = pool;
            _part = part;

            // Background, so that a pool nobody disposed never keeps a process alive.
            _thread = new Thread(Loop) { IsBackground = true, Name = $"EdgeIL learner {part}" };
            _thread.Start();
        }

        public void WakeIfParked()
        {
            // Paired with the exchange in WaitForWork: the pool raises the generation before reading
            // _parked and the worker raises _parked before reading the generation, so at least one
            // of them sees the other's write and no wake-up is lost.
            if (Volatile.Read(ref _parked) != 0)
            {
                _wake.Set();
            }
        }

        public void Stop()
        {
            _wake.Set();
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        private void Loop()
        {
            long seen = Volatile.Read(ref _pool._generation);
            while (true)
            {
                seen = WaitForWork(seen);
                if (_pool._disposed)
                {
                    return;
                }

                try
                {
                    _pool._work!.Run(_part, _pool.Threads);
                }
                catch (Exception exception)
                {
                    // Handed to the caller: an exception on a worker thread would end the process.
                    _pool._failure = ExceptionDispatchInfo.Capture(exception);
                }

                Interlocked.Decrement(ref _pool._pending);
            }
        }

        private long WaitForWork(long seen)
        {
            long spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            while (true)
            {
                long generation = Volatile.Read(ref _pool._generation);
                if (generation != seen)
                {
                    return generation;
                }

                if (Stopwatch.GetTimestamp() < spinUntil)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                Interlocked.Exchange(ref _parked, 1);
                if (Volatile.Read(ref _pool._generation) == seen)
                {
                    _wake.Wait();
                }

                _wake.Reset();
                Volatile.Write(ref _parked, 0);
                spinUntil = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}

/// <summary>Work that a <see cref="WorkerPool"/> splits: part <c>part</c> of <c>parts</c> equal shares.</summary>
internal interface IPartitionedWork
{
    void Run(int part, int parts);
}
