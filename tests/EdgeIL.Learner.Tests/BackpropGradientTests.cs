using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests;

/// <summary>Backprop's gradients of every head against central finite differences of a float64 forward pass.</summary>
public class BackpropGradientTests
{
    public static TheoryData<OutputHead> Heads => [OutputHead.Softmax, OutputHead.Sigmoid, OutputHead.Identity];

    [Theory]
    [MemberData(nameof(Heads))]
    public void Backpropagation_EveryHead_MatchesFiniteDifferences(OutputHead head)
    {
        int[] sizes = [5, 6, 4, 3];
        Mlp model = Mlp.CreateRandom(sizes, head, seed: 21);
        float[] x = TestData.Uniform(5, seed: 4, scale: 2f);
        float[] y = head == OutputHead.Softmax ? TestData.OneHot(2, 3) : head == OutputHead.Sigmoid ? [0.1f, 0.9f, 0.4f] : [1.5f, -0.3f, 0.2f];

        // e_{n+1} a_n^T = -dL/dW_n: the same buffers the BP rules update from.
        var workspace = new LearnerWorkspace(sizes, 1);
        x.CopyTo(workspace.Activity[0], 0);
        y.CopyTo(workspace.Label, 0);
        Backpropagation.Forward(model, workspace, 1, SimdSelection.Current, new SampleKernels(transposed: null));
        OutputTarget.SetErrors(model, LearningAlgorithm.BPSgd, Hyperparameters.For(LearningAlgorithm.BPSgd), workspace, 1);
        Backpropagation.Run(model, workspace, 1, SimdSelection.Current, new SampleKernels(transposed: null));

        double[][] weights = Enumerable.Range(0, model.LayerCount).Select(n => model.GetWeights(n).ToArray().Select(v => (double)v).ToArray()).ToArray();
        double[][] biases = Enumerable.Range(0, model.LayerCount).Select(n => model.GetBiases(n).ToArray().Select(v => (double)v).ToArray()).ToArray();
        const double h = 1e-6;
        for (int n = 0; n < model.LayerCount; n++)
        {
            for (int i = 0; i < sizes[n + 1]; i++)
            {
                double error = workspace.Error[n + 1][i];
                for (int j = 0; j <= sizes[n]; j++)
                {
                    // j == sizes[n] stands for the bias, whose input is 1.
                    ref double parameter = ref j < sizes[n] ? ref weights[n][i * sizes[n] + j] : ref biases[n][i];
                    double analytic = -error * (j < sizes[n] ? workspace.Presynaptic[n][j] : 1.0);
                    double saved = parameter;
                    parameter = saved + h;
                    double up = ReferenceNetwork.Loss(sizes, head, weights, biases, x, y);
                    parameter = saved - h;
                    double down = ReferenceNetwork.Loss(sizes, head, weights, biases, x, y);
                    parameter = saved;
                    double numeric = (up - down) / (2 * h);
                    Assert.True(Math.Abs(analytic - numeric) <= 1e-4 * Math.Max(Math.Abs(numeric), 1e-2), $"{head} dL/dW{n}[{i},{j}]: backprop {analytic}, finite difference {numeric}");
                }
            }
        }
    }
}

/// <summary>The network's loss in float64, written from the definitions with nothing shared with the product.</summary>
internal static class ReferenceNetwork
{
    public static double Loss(int[] sizes, OutputHead head, double[][] weights, double[][] biases, float[] x, float[] y)
    {
        double[] a = x.Select(v => (double)v).ToArray();
        double[] z = a;
        for (int n = 0; n < sizes.Length - 1; n++)
        {
            z = new double[sizes[n + 1]];
            for (int i = 0; i < z.Length; i++)
            {
                z[i] = biases[n][i];
                for (int j = 0; j < sizes[n]; j++)
                {
                    z[i] += weights[n][i * sizes[n] + j] * a[j];
                }
            }

            a = z.Select(v => Math.Max(v, 0)).ToArray();
        }

        switch (head)
        {
            case OutputHead.Softmax:
                double max = z.Max();
                double logSum = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                return -z.Select((v, i) => y[i] * (v - logSum)).Sum();
            case OutputHead.Sigmoid:
                return z.Select((v, i) =>
                {
                    double s = 1 / (1 + Math.Exp(-v));
                    return -(y[i] * Math.Log(s) + (1 - y[i]) * Math.Log(1 - s));
                }).Sum();
            default:
                return z.Select((v, i) => 0.5 * (v - y[i]) * (v - y[i])).Sum();
        }
    }
}
