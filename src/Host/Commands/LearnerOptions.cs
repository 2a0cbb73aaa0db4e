using System.CommandLine;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Commands;

/// <summary>The options that choose and tune a learning rule.</summary>
public static class LearnerOptions
{
    /// <summary><c>--algorithm</c>.</summary>
    public static readonly Option<string> Algorithm = new("--algorithm")
    {
        Description = $"The learning rule: {string.Join(", ", LearningAlgorithms.Names)}.",
        DefaultValueFactory = _ => "il-prox",
    };

    /// <summary><c>--layers</c>.</summary>
    public static readonly Option<string?> Layers = new("--layers")
    {
        Description = "Layer sizes, comma-separated, input first (e.g. 784,500,500,10). Default: inputs,256,256,outputs (classes or targets; autoencoder: inputs,256,100,256,inputs)",
    };

    /// <summary><c>--task</c>.</summary>
    public static readonly Option<LearningTask> Task = new("--task")
    {
        Description = "classify (softmax + cross-entropy), autoencode (sigmoid + binary cross-entropy on the scaled input) or regress (identity + squared error on the CSV columns --label-column names).",
        DefaultValueFactory = _ => LearningTask.Classify,
    };

    /// <summary><c>--alpha</c>.</summary>
    public static readonly Option<float?> Alpha = new("--alpha")
    {
        Description = $"Proximal step size of il-prox, il-prox-fast, il-prox-adam and bp-prox. Default: 5 (MNIST), 2.5 (Fashion-MNIST); {Learner.Hyperparameters.ReconstructionAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture)} for il-prox, il-prox-fast and bp-prox with --task autoencode (docs/algorithms.md, \"Long self-supervised streams\")",
    };

    /// <summary><c>--lr</c>.</summary>
    public static readonly Option<float?> LearningRate = new("--lr")
    {
        Description = "Learning rate of il-sgd, il-adam, il-prox-adam, bp-sgd and bp-adam. Default: algorithms.md's for the rule and dataset",
    };

    /// <summary><c>--eps</c>.</summary>
    public static readonly Option<float?> Epsilon = new("--eps")
    {
        Description = "Damping added to s_n = ||a_n||^2 + 1 + eps in the normalised rules. Default: 0.25",
    };

    /// <summary><c>--iterations</c>.</summary>
    public static readonly Option<int?> Iterations = new("--iterations")
    {
        Description = "The fixed inference budget T of the IL rules. Default: 25 (il-prox-fast 12, il-adam and il-prox-adam 20)",
    };

    /// <summary><c>--gamma-bottom</c>.</summary>
    public static readonly Option<float?> GammaBottom = new("--gamma-bottom")
    {
        Description = "Weight of the bottom-up term of the activity step. Default: algorithms.md's for the rule",
    };

    /// <summary><c>--gamma-top</c>.</summary>
    public static readonly Option<float?> GammaTop = new("--gamma-top")
    {
        Description = "Weight of the top-down term of the activity step. Default: algorithms.md's for the rule",
    };

    /// <summary><c>--balance-every</c>.</summary>
    public static readonly Option<int?> BalanceInterval = new("--balance-every")
    {
        Description = $"Samples between two rebalancings of the hidden units in il-prox, il-prox-fast and bp-prox; 0 for the paper's rule without them (docs/algorithms.md, \"Unit balance\"). Default: {Learner.Hyperparameters.DefaultBalanceInterval} with --task autoencode, 0 otherwise",
    };

    /// <summary><c>--replay</c>.</summary>
    public static readonly Option<int?> ReplayCapacity = new("--replay")
    {
        Description = "Keep a replay memory of this many past samples (a reservoir: a uniform sample of the whole stream) and learn from --replay-per-step of them after each step. Default: no replay",
    };

    /// <summary><c>--replay-per-step</c>.</summary>
    public static readonly Option<int> ReplaysPerStep = new("--replay-per-step")
    {
        Description = "With --replay: samples replayed after each learn step (each one a step of its own).",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public static void AddTo(Command command)
    {
        command.Add(Algorithm);
        command.Add(Layers);
        command.Add(Task);
        command.Add(Alpha);
        command.Add(LearningRate);
        command.Add(Epsilon);
        command.Add(Iterations);
        command.Add(GammaBottom);
        command.Add(GammaTop);
        command.Add(BalanceInterval);
        command.Add(ReplayCapacity);
        command.Add(ReplaysPerStep);
    }

    /// <summary>The replay memory asked for by <c>--replay</c> and <c>--replay-per-step</c>, or null for none.</summary>
    public static ReplayMemorySettings? Replay(ParseResult parse) =>
        parse.GetValue(ReplayCapacity) is { } capacity ? new ReplayMemorySettings(capacity, parse.GetValue(ReplaysPerStep)) : null;

    /// <summary>The rule named by <c>--algorithm</c>.</summary>
    public static LearningAlgorithm ParseAlgorithm(ParseResult parse) => LearningAlgorithms.Parse(parse.GetValue(Algorithm)!);

    /// <summary>The dataset's defaults for the rule, with every given option applied on top.</summary>
    public static Hyperparameters Hyperparameters(ParseResult parse, LearningAlgorithm algorithm, string dataset, LearningTask task)
    {
        Learner.Hyperparameters h = RunDefaults.For(algorithm, dataset, task).With(
            alpha: parse.GetValue(Alpha),
            learningRate: parse.GetValue(LearningRate),
            epsilon: parse.GetValue(Epsilon),
            iterations: parse.GetValue(Iterations),
            gammaBottom: parse.GetValue(GammaBottom),
            gammaTop: parse.GetValue(GammaTop),
            balanceInterval: parse.GetValue(BalanceInterval));
        h.Validate();
        return h;
    }

    /// <summary>The sizes given by <c>--layers</c>, or the default shape for the data and task.</summary>
    public static int[] ParseLayers(string? text, TrainTestData data, LearningTask task)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            int inputs = data.InputCount;
            return task switch
            {
                LearningTask.Autoencode => [inputs, 256, 100, 256, inputs],
                LearningTask.Regress => [inputs, 256, 256, data.TargetCount],
                _ => [inputs, 256, 256, data.ClassCount],
            };
        }

        try
        {
            return text.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--layers '{text}': give comma-separated whole numbers, e.g. 784,256,256,10.");
        }
    }
}
