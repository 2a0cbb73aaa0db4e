namespace EdgeIL.Learner;

/// <summary>The learning rules of <c>docs/algorithms.md</c>, each selectable by its kebab-case name.</summary>
public enum LearningAlgorithm
{
    /// <summary><c>il-prox</c>: inference learning with a proximal output target and the NLMS weight rule (paper Definition 4.1).</summary>
    ILProx,

    /// <summary><c>il-prox-fast</c>: IL-prox with a 12-iteration budget and bottom-up-only activity steps.</summary>
    ILProxFast,

    /// <summary><c>il-sgd</c>: standard inference learning: clamped output, LMS weight rule with a learning rate.</summary>
    ILSgd,

    /// <summary><c>il-adam</c>: IL-SGD's local gradients fed to Adam, with a soft output target.</summary>
    ILAdam,

    /// <summary><c>il-prox-adam</c>: IL-prox's normalised local gradients fed to Adam.</summary>
    ILProxAdam,

    /// <summary><c>bp-sgd</c>: backprop with plain stochastic gradient descent.</summary>
    BPSgd,

    /// <summary><c>bp-adam</c>: backprop gradients fed to Adam.</summary>
    BPAdam,

    /// <summary><c>bp-prox</c>: the paper's control: IL-prox's output target, backprop's local targets, normalised steps.</summary>
    BPProx,
}

/// <summary>Names and families of <see cref="LearningAlgorithm"/>.</summary>
public static class LearningAlgorithms
{
    private static readonly string[] s_names =
        ["il-prox", "il-prox-fast", "il-sgd", "il-adam", "il-prox-adam", "bp-sgd", "bp-adam", "bp-prox"];

    /// <summary>Every algorithm, in a stable order.</summary>
    public static IReadOnlyList<LearningAlgorithm> All { get; } = Enum.GetValues<LearningAlgorithm>();

    /// <summary>Every name, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>The kebab-case name, e.g. <c>il-prox</c>.</summary>
    public static string Name(this LearningAlgorithm algorithm) => s_names[(int)algorithm];

    /// <summary>Parses a kebab-case name; the error lists the valid ones.</summary>
    public static LearningAlgorithm Parse(string name)
    {
        return TryParse(name, out LearningAlgorithm algorithm)
            ? algorithm
            : throw new ArgumentException($"Unknown learning algorithm '{name}'. Known: {string.Join(", ", s_names)}.", nameof(name));
    }

    /// <summary>Parses a kebab-case name.</summary>
    public static bool TryParse(string name, out LearningAlgorithm algorithm)
    {
        int index = Array.IndexOf(s_names, name.Trim().ToLowerInvariant());
        algorithm = index < 0 ? default : (LearningAlgorithm)index;
        return index >= 0;
    }

    /// <summary>True for the rules that relax hidden activities before learning (the IL family).</summary>
    public static bool UsesInference(this LearningAlgorithm algorithm) => algorithm <= LearningAlgorithm.ILProxAdam;

    /// <summary>True for the rules whose weight step goes through Adam.</summary>
    public static bool UsesAdam(this LearningAlgorithm algorithm) =>
        algorithm is LearningAlgorithm.ILAdam or LearningAlgorithm.ILProxAdam or LearningAlgorithm.BPAdam;

    /// <summary>True for the rules that divide each layer's step by <c>s_n = ||a_n||^2 + 1 + eps</c>.</summary>
    public static bool IsNormalized(this LearningAlgorithm algorithm) =>
        algorithm is LearningAlgorithm.ILProx or LearningAlgorithm.ILProxFast or LearningAlgorithm.ILProxAdam or LearningAlgorithm.BPProx;

    /// <summary>True for the rules whose output target is the proximal step of size <c>alpha</c>.</summary>
    public static bool UsesProximalTarget(this LearningAlgorithm algorithm) => algorithm.IsNormalized();
}
