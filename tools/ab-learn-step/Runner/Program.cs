using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

// Usage: AbRunner SHIM_A_DIR SHIM_B_DIR MNIST_SAMPLE_DIR [ROUNDS] [STEPS_PER_ROUND]
// Loads the shim built against learner A and the one built against learner B into two load contexts
// of one process and times their learn steps in alternating rounds, so that both see the same machine
// at the same moments: a shared, noisy machine slows both alike and the ratio stays honest.
string dirA = args[0], dirB = args[1], sample = Path.GetFullPath(args[2]);
int rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;
int steps = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 200;
(Action<string, string, string> createA, Func<int, double[]> stepsA) = Load(dirA);
(Action<string, string, string> createB, Func<int, double[]> stepsB) = Load(dirB);

Console.WriteLine($"| network | rule | A median (µs) | B median (µs) | B / A | B / A per round (lowest-highest) |");
Console.WriteLine("|---|---|---:|---:|---:|---|");
foreach (string layers in new[] { "784-256-256-10", "784-500-500-10" })
{
    foreach (string algorithm in new[] { "il-prox", "il-prox-fast", "il-sgd", "bp-sgd" })
    {
        createA(layers, algorithm, sample);
        createB(layers, algorithm, sample);

        // Both learners see the same images in the same order, so at every round they are at the same
        // point of training, with the same share of active units.
        //
        // The runtime compiles hot methods to their final tier on a background thread after a pause in
        // new calls; measured without the pauses, the guard's input bound still ran instrumented code
        // after 1000 steps and took three times as long.
        for (int warmup = 0; warmup < 3; warmup++)
        {
            stepsA(1000);
            stepsB(1000);
            Thread.Sleep(200);
        }
        var a = new List<double>();
        var b = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            // Alternate which goes first, so that neither always follows the other's cache state.
            double[] ta, tb;
            if (round % 2 == 0)
            {
                ta = stepsA(steps);
                tb = stepsB(steps);
            }
            else
            {
                tb = stepsB(steps);
                ta = stepsA(steps);
            }

            a.AddRange(ta);
            b.AddRange(tb);
            ratios.Add(Median(tb) / Median(ta));
        }

        double ma = Median(a), mb = Median(b);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {layers} | {algorithm} | {ma:F1} | {mb:F1} | {mb / ma:F2} | {ratios.Min():F2}-{ratios.Max():F2} |"));
    }
}

static double Median(IEnumerable<double> values)
{
    double[] sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

static (Action<string, string, string> Create, Func<int, double[]> Steps) Load(string directory)
{
    var context = new ShimContext(Path.Combine(Path.GetFullPath(directory), "AbShim.dll"));
    Type shim = context.LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(directory), "AbShim.dll")).GetType("EdgeIL.AbLearnStep.AbShim", throwOnError: true)!;
    MethodInfo create = shim.GetMethod("Create")!;
    MethodInfo run = shim.GetMethod("Steps")!;
    return ((layers, algorithm, sample) => create.Invoke(null, [layers, algorithm, sample]), count => (double[])run.Invoke(null, [count])!);
}

/// <summary>Resolves the shim's learner, and the learner's packages, from the shim's own folder.</summary>
internal sealed class ShimContext(string shimPath) : AssemblyLoadContext(isCollectible: false)
{
    private readonly string _directory = Path.GetDirectoryName(shimPath)!;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
