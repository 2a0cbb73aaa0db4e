using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Experiments.Continual;

/// <summary>
/// A standard online continual-learning stream built from an image dataset: a sequence of tasks, each
/// a run of training samples and a test set of its own, fed to a learner one sample at a time.
/// </summary>
/// <remarks>
/// Samples are read from the dataset as they are needed (it may live in a file) and transformed into
/// the caller's buffer, so a stream holds no more than its index lists and its test sets.
/// </remarks>
public abstract class ContinualStream
{
    private protected ContinualStream(string name, string description, LabeledDataset train, int tasks, int samplesPerTask)
    {
        Name = name;
        Description = description;
        Train = train;
        TaskCount = tasks;
        SamplesPerTask = samplesPerTask;
    }

    /// <summary>Gets the stream's name as <c>--tasks</c> gives it.</summary>
    public string Name { get; }

    /// <summary>Gets a caption for tables and charts.</summary>
    public string Description { get; }

    /// <summary>Gets the number of tasks.</summary>
    public int TaskCount { get; }

    /// <summary>Gets the training samples of each task.</summary>
    public int SamplesPerTask { get; }

    /// <summary>Gets the values per sample.</summary>
    public virtual int FeatureCount => Train.FeatureCount;

    /// <summary>Gets whether a model standardises its inputs (sensor readings) rather than scaling pixels by 1/255.</summary>
    public virtual bool Standardize => false;

    /// <summary>Gets the classes a model must tell apart (all tasks share one output layer).</summary>
    public virtual int ClassCount => Train.ClassCount;

    /// <summary>Gets what kind of shift the tasks make, for the notes.</summary>
    public abstract string Scenario { get; }

    private protected LabeledDataset Train { get; }

    /// <summary>Gets the training samples of task <paramref name="task"/>; <see cref="SamplesPerTask"/> unless the tasks differ in length.</summary>
    public virtual int SamplesIn(int task) => SamplesPerTask;

    /// <summary>Writes training sample <paramref name="index"/> of task <paramref name="task"/> into <paramref name="features"/> and returns its label.</summary>
    public abstract int TrainSample(int task, int index, Span<float> features);

    /// <summary>Gets task <paramref name="task"/>'s test set: its samples (row-major) and labels.</summary>
    public abstract (float[] Features, int[] Labels) TestSet(int task);

    /// <summary>Turns a raw sample into what the model sees (a permutation, a rotation).</summary>
    private protected delegate void Transform(ReadOnlySpan<float> raw, Span<float> destination);

    /// <summary>The first <paramref name="count"/> samples of <paramref name="test"/>, each transformed, with their labels.</summary>
    private protected static (float[] Features, int[] Labels) TransformedTestSet(LabeledDataset test, int count, Transform transform)
    {
        int d = test.FeatureCount;
        float[] features = new float[count * d];
        int[] labels = new int[count];
        float[] raw = new float[d];
        for (int i = 0; i < count; i++)
        {
            test.CopyFeatures(i, raw);
            transform(raw, features.AsSpan(i * d, d));
            labels[i] = test.GetLabel(i);
        }

        return (features, labels);
    }

    /// <summary>A seeded permutation of 0..<paramref name="count"/>-1.</summary>
    private protected static int[] Shuffled(int count, int seed)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        new Random(seed).Shuffle(order);
        return order;
    }
}

/// <summary>
/// Permuted MNIST (domain-incremental): every task is the same ten digits with the pixels reordered by
/// a fixed permutation of its own (the first task keeps the original order), so each task is a new
/// input distribution over the same labels.
/// </summary>
public sealed class PermutedStream : ContinualStream
{
    private readonly int[][] _permutations;
    private readonly int[] _order;
    private readonly LabeledDataset _test;
    private readonly int _testCount;
    private readonly float[] _raw;

    /// <summary>Initializes the stream.</summary>
    public PermutedStream(string dataset, LabeledDataset train, LabeledDataset test, int tasks, int samplesPerTask, int testPerTask, int seed)
        : base("permuted-mnist", $"permuted {dataset}", train, tasks, samplesPerTask)
    {
        int d = train.FeatureCount;
        _permutations = [.. Enumerable.Range(0, tasks).Select(t => t == 0 ? [.. Enumerable.Range(0, d)] : Shuffled(d, (seed * 1000) + t))];
        _order = Shuffled(train.Count, seed);
        _test = test;
        _testCount = Math.Min(testPerTask, test.Count);
        _raw = new float[d];
    }

    /// <inheritdoc/>
    public override string Scenario => "domain-incremental: the same labels, the pixels reordered per task";

    /// <inheritdoc/>
    public override int TrainSample(int task, int index, Span<float> features)
    {
        int row = _order[(int)((((long)task * SamplesPerTask) + index) % _order.Length)];
        Train.CopyFeatures(row, _raw);
        Permute(_raw, _permutations[task], features);
        return Train.GetLabel(row);
    }

    /// <inheritdoc/>
    public override (float[] Features, int[] Labels) TestSet(int task) =>
        TransformedTestSet(_test, _testCount, (raw, destination) => Permute(raw, _permutations[task], destination));

    private static void Permute(ReadOnlySpan<float> raw, int[] permutation, Span<float> destination)
    {
        for (int i = 0; i < permutation.Length; i++)
        {
            destination[i] = raw[permutation[i]];
        }
    }
}

/// <summary>
/// Split MNIST or Fashion-MNIST (class-incremental): task <c>t</c> holds only classes <c>2t</c> and
/// <c>2t + 1</c>; one output layer over all ten classes, so a model must keep the old classes while
/// it meets new ones, with nothing telling it which task a test sample is from.
/// </summary>
public sealed class SplitStream : ContinualStream
{
    private readonly int[][] _taskRows;
    private readonly LabeledDataset _test;

    /// <summary>Initializes the stream.</summary>
    public SplitStream(string name, string dataset, LabeledDataset train, LabeledDataset test, int samplesPerTask, int seed)
        : base(name, $"split {dataset}", train, train.ClassCount / 2, samplesPerTask)
    {
        _taskRows = new int[TaskCount][];
        int[] order = Shuffled(train.Count, seed);
        for (int task = 0; task < TaskCount; task++)
        {
            _taskRows[task] = [.. order.Where(row => train.GetLabel(row) / 2 == task)];
        }

        _test = test;
    }

    /// <inheritdoc/>
    public override string Scenario => "class-incremental: two new classes per task, one output layer for all";

    /// <inheritdoc/>
    public override int TrainSample(int task, int index, Span<float> features)
    {
        // A task has about 12,000 samples; past them it starts over in the same shuffled order.
        int[] rows = _taskRows[task];
        int row = rows[index % rows.Length];
        Train.CopyFeatures(row, features);
        return Train.GetLabel(row);
    }

    /// <inheritdoc/>
    public override (float[] Features, int[] Labels) TestSet(int task)
    {
        int d = FeatureCount;
        int[] rows = [.. Enumerable.Range(0, _test.Count).Where(i => _test.GetLabel(i) / 2 == task)];
        float[] features = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            _test.CopyFeatures(rows[i], features.AsSpan(i * d, d));
        }

        return (features, [.. rows.Select(_test.GetLabel)]);
    }
}

/// <summary>
/// Rotated MNIST (gradual drift): one long stream whose digits turn steadily from 0 to
/// <see cref="MaximumDegrees"/> degrees; the "tasks" are its equal segments, each tested at the angle
/// of its middle.
/// </summary>
public sealed class RotatedStream : ContinualStream
{
    /// <summary>The rotation at the end of the stream.</summary>
    public const double MaximumDegrees = 90;

    private readonly int[] _order;
    private readonly LabeledDataset _test;
    private readonly int _testCount;
    private readonly float[] _raw;
    private readonly int _side;

    /// <summary>Initializes the stream.</summary>
    public RotatedStream(string dataset, LabeledDataset train, LabeledDataset test, int tasks, int samplesPerTask, int testPerTask, int seed)
        : base("rotated-mnist", $"rotated {dataset}", train, tasks, samplesPerTask)
    {
        _side = (int)Math.Round(Math.Sqrt(train.FeatureCount));
        if (_side * _side != train.FeatureCount)
        {
            throw new ArgumentException($"{train.Name}: rotation needs square images; {train.FeatureCount} values per sample are not.");
        }

        _order = Shuffled(train.Count, seed);
        _test = test;
        _testCount = Math.Min(testPerTask, test.Count);
        _raw = new float[train.FeatureCount];
    }

    /// <inheritdoc/>
    public override string Scenario => FormattableString.Invariant($"gradual drift: the digits turn from 0 to {MaximumDegrees:F0} degrees over the stream");

    /// <summary>The angle of training sample <paramref name="index"/> of segment <paramref name="task"/>, in degrees.</summary>
    public double Angle(int task, int index) =>
        MaximumDegrees * (((long)task * SamplesPerTask) + index) / Math.Max(1, ((long)TaskCount * SamplesPerTask) - 1);

    /// <inheritdoc/>
    public override int TrainSample(int task, int index, Span<float> features)
    {
        int row = _order[(int)((((long)task * SamplesPerTask) + index) % _order.Length)];
        Train.CopyFeatures(row, _raw);
        Rotate(_raw, _side, Angle(task, index), features);
        return Train.GetLabel(row);
    }

    /// <inheritdoc/>
    public override (float[] Features, int[] Labels) TestSet(int task)
    {
        double angle = MaximumDegrees * (task + 0.5) / TaskCount;
        return TransformedTestSet(_test, _testCount, (raw, destination) => Rotate(raw, _side, angle, destination));
    }

    /// <summary>Rotates a square image about its centre by <paramref name="degrees"/> (counter-clockwise), bilinear, zero outside.</summary>
    public static void Rotate(ReadOnlySpan<float> image, int side, double degrees, Span<float> destination)
    {
        double radians = degrees * Math.PI / 180;
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        double centre = (side - 1) / 2.0;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                // Where this output pixel comes from: the inverse rotation of its position.
                double dx = x - centre, dy = y - centre;
                double sourceX = (cos * dx) - (sin * dy) + centre;
                double sourceY = (sin * dx) + (cos * dy) + centre;
                destination[(y * side) + x] = Sample(image, side, sourceX, sourceY);
            }
        }
    }

    private static float Sample(ReadOnlySpan<float> image, int side, double x, double y)
    {
        int left = (int)Math.Floor(x), top = (int)Math.Floor(y);
        double fx = x - left, fy = y - top;
        double value = (Pixel(image, side, left, top) * (1 - fx) * (1 - fy))
            + (Pixel(image, side, left + 1, top) * fx * (1 - fy))
            + (Pixel(image, side, left, top + 1) * (1 - fx) * fy)
            + (Pixel(image, side, left + 1, top + 1) * fx * fy);
        return (float)value;
    }

    private static float Pixel(ReadOnlySpan<float> image, int side, int x, int y) =>
        (uint)x < (uint)side && (uint)y < (uint)side ? image[(y * side) + x] : 0f;
}

/// <summary>
/// A user's sensor log as a continual stream: a task column numbers the tasks (integers, each task's
/// rows in file order), the label column gives the classes. Each task trains on its first rows and is
/// tested on its last fifth, in file order, since a log is a time series.
/// </summary>
public sealed class CsvTaskStream : ContinualStream
{
    /// <summary>The share of each task's rows held out for its test set.</summary>
    public const double TestFraction = 0.2;

    private readonly int[][] _trainRows;
    private readonly int[][] _testRows;
    private readonly int _taskColumn;
    private readonly float[] _row;
    private readonly int _classes;

    private CsvTaskStream(string name, LabeledDataset rows, int[][] trainRows, int[][] testRows, int taskColumn, int classes)
        : base(name, $"{name}, tasks in file order", rows, trainRows.Length, trainRows.Min(t => t.Length))
    {
        _trainRows = trainRows;
        _testRows = testRows;
        _taskColumn = taskColumn;
        _row = new float[rows.FeatureCount];
        _classes = classes;
    }

    /// <inheritdoc/>
    public override string Scenario => "a sensor log's own tasks, in file order";

    /// <inheritdoc/>
    public override int FeatureCount => Train.FeatureCount - 1;

    /// <inheritdoc/>
    public override int ClassCount => _classes;

    /// <inheritdoc/>
    public override bool Standardize => true;

    /// <summary>Reads a log with a label column and a task column.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="labelColumn">The class column.</param>
    /// <param name="taskColumn">The column of integer task ids.</param>
    /// <returns>The stream.</returns>
    /// <exception cref="DataFormatException">The file or a cell is malformed, a column is missing, or a task has fewer than 10 rows.</exception>
    public static CsvTaskStream Read(string path, string labelColumn, string taskColumn)
    {
        // Read twice, once for the classes (the task column is then a feature) and once for the tasks
        // (the class column is then a feature): the reader keeps every message about the file's cells.
        CsvTable tasks = CsvDataset.Read(path, taskColumn, classCount: CsvDataset.MaxClassCount);
        CsvTable labelled = CsvDataset.Read(path, labelColumn);
        LabeledDataset rows = labelled.Dataset;
        int taskColumnIndex = labelled.FeatureNames.ToList().IndexOf(taskColumn);
        var byTask = new Dictionary<int, List<int>>();
        var order = new List<int>();
        for (int row = 0; row < tasks.Dataset.Count; row++)
        {
            int task = tasks.Dataset.GetLabel(row);
            if (!byTask.TryGetValue(task, out List<int>? list))
            {
                byTask[task] = list = [];
                order.Add(task);
            }

            list.Add(row);
        }

        var train = new int[order.Count][];
        var test = new int[order.Count][];
        for (int t = 0; t < order.Count; t++)
        {
            List<int> list = byTask[order[t]];
            if (list.Count < 10)
            {
                throw new DataFormatException(path, $"task {order[t]} (column '{taskColumn}') has {list.Count} rows; a task needs at least 10 to train and test on", byteOffset: null);
            }

            int testCount = Math.Max(1, (int)Math.Round(list.Count * TestFraction));
            train[t] = [.. list.Take(list.Count - testCount)];
            test[t] = [.. list.Skip(list.Count - testCount)];
        }

        return new CsvTaskStream(Path.GetFileNameWithoutExtension(path), rows, train, test, taskColumnIndex, rows.ClassCount);
    }

    /// <inheritdoc/>
    public override int SamplesIn(int task) => _trainRows[task].Length;

    /// <inheritdoc/>
    public override int TrainSample(int task, int index, Span<float> features)
    {
        int row = _trainRows[task][index];
        CopyWithoutTask(row, features);
        return Train.GetLabel(row);
    }

    /// <inheritdoc/>
    public override (float[] Features, int[] Labels) TestSet(int task)
    {
        int[] rows = _testRows[task];
        int d = FeatureCount;
        float[] features = new float[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            CopyWithoutTask(rows[i], features.AsSpan(i * d, d));
        }

        return (features, [.. rows.Select(Train.GetLabel)]);
    }

    private void CopyWithoutTask(int row, Span<float> destination)
    {
        Train.CopyFeatures(row, _row);
        _row.AsSpan(0, _taskColumn).CopyTo(destination);
        _row.AsSpan(_taskColumn + 1).CopyTo(destination[_taskColumn..]);
    }
}
