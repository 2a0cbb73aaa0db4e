using System.Numerics.Tensors;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner;

/// <summary>
/// The matrix work of a batch-1 step: the feed-forward pass, the relaxation's two products per hidden
/// matrix and the weight step. Hidden-to-hidden matrices are read from <see cref="Transposed"/> at the
/// active units only (docs/algorithms.md, "Reading only the active units"). With <see cref="Workers"/>,
/// each product is split across the pool's threads (docs/algorithms.md, "Several cores").
/// </summary>
/// <remarks>
/// Every split gives each output value to exactly one thread, which computes it as the whole product
/// would: a row's dot product over all its columns, or a column's sum over the rows in their order. So the
/// results are the same bits for any number of threads, and one thread runs the same code as many.
/// </remarks>
internal sealed class SampleKernels : IPartitionedWork
{
    /// <summary>
    /// Matrices with fewer weights than this (512 KB) stay on the calling thread. Split from 16K weights
    /// on, 784-256-256-10's IL-prox step took 1.45 times as long on two threads as on one; from 128K on,
    /// the same time (docs/benchmarks/performance-model.md, "Several cores").
    /// </summary>
    internal const int SplitThreshold = 128 * 1024;

    // Column splits start on a multiple of 16 floats (64 bytes): whole vectors at every width, and no
    // cache line written by two threads.
    private const int ColumnAlignment = 16;

    private Operation _operation;
    private float[] _matrix = [];
    private float[] _input = [];
    private float[] _bias = [];
    private float[] _output = [];
    private float[] _target = [];
    private float[] _mask = [];
    private float[] _columnFactors = [];
    private float[] _error = [];
    private int _rows;
    private int _columns;
    private SimdLevel _level;

    public SampleKernels(TransposedWeights? transposed) => Transposed = transposed;

    private enum Operation
    {
        MultiplyAdd,
        PredictFromTransposed,
        MultiplyActiveRows,
        AddOuterProduct,
    }

    /// <summary>The transposed copy of the hidden-to-hidden matrices, or null where there is none.</summary>
    public TransposedWeights? Transposed { get; }

    /// <summary>The threads to split the work across; null for the calling thread alone.</summary>
    public WorkerPool? Workers { get; set; }

    /// <summary>True when layer <paramref name="layer"/>'s products read the transposed copy.</summary>
    public bool ReadsTransposed(Mlp model, int layer) => Transposed is not null && TransposedWeights.Covers(model, layer);

    /// <summary><c>y = W x + b</c> for a <c>y.Length x x.Length</c> row-major <c>W</c>, split by rows.</summary>
    public void MultiplyAdd(float[] weights, float[] x, float[] bias, float[] y, int rows, int columns, SimdLevel level)
    {
        Set(Operation.MultiplyAdd, weights, rows, columns, level);
        (_input, _bias, _output) = (x, bias, y);
        Dispatch();
    }

    /// <summary>
    /// <c>p = W_n a + b</c> from the transposed copy at the active units of <c>a</c>, and, when
    /// <paramref name="error"/> is not null, <c>e = v - p</c>; split by the columns of <c>W_n^T</c>.
    /// </summary>
    public void PredictFromTransposed(int layer, Mlp model, float[] a, float[] p, float[]? target, float[]? error, SimdLevel level)
    {
        Set(Operation.PredictFromTransposed, Transposed!.LayerArray(layer), model.LayerSizes[layer], model.LayerSizes[layer + 1], level);
        (_input, _bias, _output) = (a, model.BiasesArray(layer), p);
        (_target, _error) = (target ?? [], error ?? []);
        Dispatch();
    }

    /// <summary>
    /// <c>y[j] = dot(W_n^T[j, :], x)</c> where <c>mask[j] &gt; 0</c> and zero elsewhere, from the transposed copy;
    /// split by rows.
    /// </summary>
    public void MultiplyActiveRows(int layer, Mlp model, float[] x, float[] mask, float[] y, SimdLevel level)
    {
        Set(Operation.MultiplyActiveRows, Transposed!.LayerArray(layer), model.LayerSizes[layer], model.LayerSizes[layer + 1], level);
        (_input, _mask, _output) = (x, mask, y);
        Dispatch();
    }

    /// <summary>
    /// <c>W_n += u v^T</c> into the model (<paramref name="u"/> the scaled error, <paramref name="v"/> the
    /// presynaptic activity), and the same step into the transposed copy where it keeps layer <c>n</c>; split by rows.
    /// </summary>
    public void AddOuterProduct(int layer, Mlp model, float[] u, float[] v, SimdLevel level)
    {
        int rows = model.LayerSizes[layer + 1], columns = model.LayerSizes[layer];
        Set(Operation.AddOuterProduct, model.WeightsArray(layer), rows, columns, level);
        (_input, _columnFactors) = (u, v);
        Dispatch();
        if (ReadsTransposed(model, layer))
        {
            Set(Operation.AddOuterProduct, Transposed!.LayerArray(layer), columns, rows, level);
            (_input, _columnFactors) = (v, u);
            Dispatch();
        }
    }

    void IPartitionedWork.Run(int part, int parts)
    {
        switch (_operation)
        {
            case Operation.MultiplyAdd:
            {
                (int start, int end) = Share(_rows, part, parts, 1);
                FusedKernels.MultiplyAdd(
                    _matrix.AsSpan(start * _columns, (end - start) * _columns), _input.AsSpan(0, _columns), _bias.AsSpan(start, end - start),
                    _output.AsSpan(start, end - start), _level);
                break;
            }

            case Operation.PredictFromTransposed:
            {
                (int start, int end) = Share(_columns, part, parts, ColumnAlignment);
                if (start == end)
                {
                    break;
                }

                Span<float> p = _output.AsSpan(start, end - start);
                FusedKernels.MultiplyTransposedAdd(
                    _matrix.AsSpan(start), _columns, _input.AsSpan(0, _rows), _bias.AsSpan(start, end - start), p, _level);
                if (_error.Length != 0)
                {
                    TensorPrimitives.Subtract(_target.AsSpan(start, end - start), p, _error.AsSpan(start, end - start));
                }

                break;
            }

            case Operation.MultiplyActiveRows:
            {
                (int start, int end) = Share(_rows, part, parts, 1);
                FusedKernels.MultiplyActiveRows(
                    _matrix.AsSpan(start * _columns, (end - start) * _columns), _input.AsSpan(0, _columns), _mask.AsSpan(start, end - start),
                    _output.AsSpan(start, end - start), _level);
                break;
            }

            default:
            {
                (int start, int end) = Share(_rows, part, parts, 1);
                FusedKernels.AddOuterProduct(
                    _matrix.AsSpan(start * _columns, (end - start) * _columns), _input.AsSpan(start, end - start), _columnFactors.AsSpan(0, _columns), _level);
                break;
            }
        }
    }

    /// <summary>Part <paramref name="part"/> of <paramref name="length"/> items in <paramref name="parts"/> shares, each a multiple of <paramref name="alignment"/> but the last.</summary>
    internal static (int Start, int End) Share(int length, int part, int parts, int alignment)
    {
        int size = (length + parts - 1) / parts;
        size = (size + alignment - 1) / alignment * alignment;
        int start = Math.Min(part * size, length);
        return (start, Math.Min(start + size, length));
    }

    private void Set(Operation operation, float[] matrix, int rows, int columns, SimdLevel level)
    {
        _operation = operation;
        _matrix = matrix;
        _rows = rows;
        _columns = columns;
        _level = level;
    }

    private void Dispatch()
    {
        if (Workers is { Threads: > 1 } workers && _rows * _columns >= SplitThreshold)
        {
            workers.Run(this);
        }
        else
        {
            ((IPartitionedWork)this).Run(0, 1);
        }
    }
}
