using System.Globalization;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Host.Reports;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.Implicit;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// The paper's central claim, measured (section 4): how close is each learner's weight change to
/// the exact implicit (proximal) SGD step of the same size? On a network small enough for the
/// reference solver to find the global minimiser (10 hidden units: every on/off pattern is a
/// start), for each sample of a stream and each alpha, every learner steps from the same weights
/// and its change is compared with the implicit step: cosine, norm ratio, and how the change is
/// spread over the layers. The shared model then advances by one IL-prox step, so the
/// measurements are taken along a realistic learning trajectory rather than at initialisation.
/// </summary>
public sealed class ImplicitExperiment : Experiment
{
    private static readonly double[] s_alphas = [0.1, 1, 10];
    private const int HiddenUnits = 5;

    /// <inheritdoc/>
    public override string Name => "implicit";

    /// <inheritdoc/>
    public override string DefaultData => "mnist";

    /// <inheritdoc/>
    public override ExperimentReport Run(TrainTestData data, ExperimentSettings settings, string outFolder, TextWriter progress, bool live, CancellationToken cancellation)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms
            ?? [LearningAlgorithm.ILProx, LearningAlgorithm.ILProxFast, LearningAlgorithm.ILSgd, LearningAlgorithm.BPSgd, LearningAlgorithm.BPProx];
        int steps = (int)Math.Min(settings.Samples ?? 40, data.Train.Count);
        int[] layers = [data.Train.FeatureCount, HiddenUnits, HiddenUnits, data.ClassCount];
        float scale = data.Kind == DataKind.Pixels ? 1f / 255f : 1f;

        // cosine[algorithm][alpha] and friends collect one value per measured step (seeds x samples).
        var cosine = algorithms.ToDictionary(a => a, _ => s_alphas.Select(_ => new List<double>()).ToArray());
        var normRatio = algorithms.ToDictionary(a => a, _ => s_alphas.Select(_ => new List<double>()).ToArray());
        var shares = algorithms.Select(a => a.Name()).Append("implicit step")
            .ToDictionary(a => a, _ => s_alphas.Select(_ => Enumerable.Range(0, layers.Length - 1).Select(_ => new List<double>()).ToArray()).ToArray());
        var residuals = new List<double>();
        var board = new Console.ProgressBoard(progress, live, "implicit");
        IRunObserver observer = board.Observer(0);
        long done = 0, total = (long)settings.Seeds * steps;
        bool partial = false;
        for (int seed = 1; seed <= settings.Seeds && !partial; seed++)
        {
            Mlp model = Mlp.CreateRandom(layers, OutputHead.Softmax, seed);
            var advance = new OnlineLearner(model, LearningAlgorithm.ILProx, PaperDefaults.For(LearningAlgorithm.ILProx, data.Name));
            using var stream = new DatasetStream(data.Train, (ulong)seed, steps);
            float[] raw = new float[data.Train.FeatureCount];
            while (stream.TryRead(raw, out int label))
            {
                if (cancellation.IsCancellationRequested)
                {
                    partial = true;
                    break;
                }

                float[] x = raw.Select(v => v * scale).ToArray();
                float[] y = new float[data.ClassCount];
                y[label] = 1f;
                for (int a = 0; a < s_alphas.Length; a++)
                {
                    ImplicitStepResult reference = ImplicitStep.Solve(model, x, y, s_alphas[a]);
                    residuals.Add(reference.Residual);
                    AddShares(shares["implicit step"][a], WeightChangeComparison.Compare(ParameterChange.Of(reference), ParameterChange.Of(reference), layers).Layers);
                    foreach (LearningAlgorithm algorithm in algorithms)
                    {
                        Mlp after = model.Clone();
                        Hyperparameters h = PaperDefaults.For(algorithm, data.Name) with { Alpha = (float)s_alphas[a], LearningRate = (float)s_alphas[a] };
                        new OnlineLearner(after, algorithm, h).Learn(x, y);
                        WeightChangeComparison comparison = WeightChangeComparison.Compare(model, after, reference);
                        cosine[algorithm][a].Add(comparison.Cosine);
                        normRatio[algorithm][a].Add(comparison.NormRatio);
                        AddShares(shares[algorithm.Name()][a], comparison.Layers);
                    }
                }

                advance.Learn(x, y);
                observer.Progress(++done, total);
            }
        }

        board.Finish();
        Directory.CreateDirectory(outFolder);
        string[] columns = s_alphas.Select(a => $"alpha {a.ToString(CultureInfo.InvariantCulture)}").ToArray();
        var cosineTable = new ResultTable("Cosine between the learner's weight change and the implicit SGD step, mean (±std) over measured steps", "algorithm", columns, "F3");
        var ratioTable = new ResultTable("Norm of the learner's change / norm of the implicit step, mean (±std) over measured steps", "algorithm", columns, "F3");
        foreach (LearningAlgorithm algorithm in algorithms)
        {
            cosineTable.Add(algorithm.Name(), cosine[algorithm]);
            ratioTable.Add(algorithm.Name(), normRatio[algorithm]);
        }

        var tables = new List<ResultTable> { cosineTable, ratioTable };
        for (int a = 0; a < s_alphas.Length; a++)
        {
            var shareTable = new ResultTable(
                $"Share of the squared change in each layer at {columns[a]}, mean (±std) over measured steps",
                "change of",
                Enumerable.Range(0, layers.Length - 1).Select(n => $"W{n}, b{n}").ToArray(),
                "F3");
            foreach ((string row, List<double>[][] byAlpha) in shares)
            {
                shareTable.Add(row, byAlpha[a]);
            }

            tables.Add(shareTable);
        }

        Charts.LearningRateSweep(
            Path.Combine(outFolder, "implicit.png"),
            $"Cosine with the implicit SGD step ({string.Join('-', layers)}, {data.Name})",
            "cosine similarity",
            algorithms.Select(algorithm =>
            {
                SeedStatistics[] stats = cosine[algorithm].Select(v => SeedStatistics.Of(v)).ToArray();
                return new Series(algorithm.Name(), s_alphas, stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.StandardDeviation).ToArray());
            }).ToArray());
        string notes = string.Create(
            CultureInfo.InvariantCulture,
            $"Network {string.Join('-', layers)} (small enough for the reference solver to try every on/off pattern of the hidden units), {steps} samples of {data.Name} for each of {settings.Seeds} seed(s), inputs scaled by {scale}. At every sample each learner steps from the same weights with alpha (proximal rules) or learning rate (the others) set to the column's value; the reference is the float64 implicit step (largest optimality residual {residuals.DefaultIfEmpty(double.NaN).Max():E1}). The shared model then advances by one IL-prox step (alpha {PaperDefaults.For(LearningAlgorithm.ILProx, data.Name).Alpha}). A cosine is NaN, and left out, when a learner made no change at all.");
        return new ExperimentReport(new ExperimentSummary(tables, ["implicit.png"], notes), [], partial);
    }

    private static void AddShares(List<double>[] destination, IReadOnlyList<LayerChangeComparison> layers)
    {
        for (int n = 0; n < layers.Count; n++)
        {
            destination[n].Add(layers[n].Share);
        }
    }
}
