namespace EdgeIL.Learner;

/// <summary>
/// A second, transposed copy of the hidden-to-hidden weights <c>W_1 .. W_{N-2}</c>, kept by a learner for
/// its batch-1 steps (docs/algorithms.md, "Reading only the active units").
/// </summary>
/// <remarks>
/// Every inference iteration reads each hidden matrix twice, for <c>p_{n+1} = W_n a_n + b_n</c> and for
/// <c>g_n = W_n^T e_{n+1}</c>, and both need only the columns of <c>W_n</c> whose unit is active: an inactive
/// ReLU unit has <c>a_n[j] = 0</c>, and its <c>g_n[j]</c> is multiplied by <c>phi'(v_n[j]) = 0</c>. On MNIST,
/// 40 to 50 % of the units of the first hidden layer are active. Stored row-major, <c>W_n</c>'s columns are
/// scattered over every row; stored transposed they are rows, so a step reads the active ones alone, and
/// those fit in a core's L2 cache where the whole matrix does not.
/// <para>
/// The copy follows the model's <see cref="Mlp.Version"/>: the learner writes its own steps into both
/// copies (<see cref="SampleKernels.AddOuterProduct"/>), with one correctly rounded multiply-add per weight in
/// each so that they stay equal bit for bit, and any other change to the model (a unit balance, a
/// restored checkpoint, <see cref="Mlp.SetWeights"/>) makes <see cref="Refresh"/> transpose it again.
/// </para>
/// </remarks>
internal sealed class TransposedWeights
{
    private readonly float[][] _transposed;
    private long _version = -1;

    public TransposedWeights(Mlp model)
    {
        _transposed = new float[model.LayerCount][];
        for (int n = 0; n < model.LayerCount; n++)
        {
            _transposed[n] = Covers(model, n) ? new float[model.GetWeights(n).Length] : [];
        }
    }

    /// <summary>True for the layers this copy keeps: those that map one hidden layer to the next.</summary>
    public static bool Covers(Mlp model, int layer) => layer >= 1 && layer < model.LayerCount - 1;

    /// <summary><c>W_n^T</c>, <c>d_n x d_{n+1}</c> row-major: row <c>j</c> holds the weights out of unit <c>j</c> of layer <c>n</c>.</summary>
    public ReadOnlySpan<float> Layer(int layer) => _transposed[layer];

    /// <summary>The array behind <see cref="Layer"/>, which <see cref="SampleKernels"/> splits and writes the learner's steps into.</summary>
    internal float[] LayerArray(int layer) => _transposed[layer];

    /// <summary>Transposes the model's hidden matrices again unless this copy already matches its version.</summary>
    public void Refresh(Mlp model)
    {
        if (_version == model.Version)
        {
            return;
        }

        ReadOnlySpan<int> sizes = model.LayerSizes;
        for (int n = 0; n < model.LayerCount; n++)
        {
            if (Covers(model, n))
            {
                Transpose(model.GetWeights(n), sizes[n + 1], sizes[n], _transposed[n]);
            }
        }

        _version = model.Version;
    }

    /// <summary>Records that the copy, after the learner wrote its step into both, equals the model at its current version.</summary>
    public void Commit(Mlp model) => _version = model.Version;

    /// <summary>
    /// Transposes in tiles small enough that the rows read and the rows written stay in L1 together,
    /// rather than striding through the whole destination for every source row.
    /// </summary>
    private static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        const int Tile = 32;
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, rows);
            for (int j0 = 0; j0 < columns; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, columns);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        destination[(j * rows) + i] = source[(i * columns) + j];
                    }
                }
            }
        }
    }
}
