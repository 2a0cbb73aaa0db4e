namespace EdgeIL.Learner;

/// <summary>
/// Prequential ("predict, then learn") accuracy and loss over the last <c>capacity</c> samples:
/// every sample is scored by the model before the model learns from it, so the score measures
/// generalisation to data the model has not seen, on the stream itself.
/// </summary>
public sealed class PrequentialWindow
{
    private readonly bool[] _correct;
    private readonly double[] _loss;
    private int _next;
    private int _filled;
    private int _correctCount;
    private double _lossSum;

    /// <summary>Creates an empty window of <paramref name="capacity"/> samples.</summary>
    public PrequentialWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _correct = new bool[capacity];
        _loss = new double[capacity];
    }

    /// <summary>Samples in the window now.</summary>
    public int Count => _filled;

    /// <summary>Share of correct predictions in the window; NaN when empty.</summary>
    public double Accuracy => _filled == 0 ? double.NaN : (double)_correctCount / _filled;

    /// <summary>Mean loss in the window; NaN when empty.</summary>
    public double Loss => _filled == 0 ? double.NaN : _lossSum / _filled;

    /// <summary>Adds a sample's score, dropping the oldest once full.</summary>
    public void Add(bool correct, double loss)
    {
        if (_filled == _correct.Length)
        {
            _correctCount -= _correct[_next] ? 1 : 0;
            _lossSum -= _loss[_next];
        }
        else
        {
            _filled++;
        }

        _correct[_next] = correct;
        _loss[_next] = loss;
        _correctCount += correct ? 1 : 0;
        _lossSum += loss;
        _next = (_next + 1) % _correct.Length;
    }
}
