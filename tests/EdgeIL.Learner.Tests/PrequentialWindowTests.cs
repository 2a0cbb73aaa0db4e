namespace EdgeIL.Learner.Tests;

public class PrequentialWindowTests
{
    [Fact]
    public void Add_WindowFull_DropsOldest()
    {
        var window = new PrequentialWindow(capacity: 4);
        foreach ((bool correct, double loss) in new[] { (false, 9.0), (false, 9.0), (true, 1.0), (true, 2.0), (true, 3.0), (true, 4.0) })
        {
            window.Add(correct, loss);
        }

        Assert.Equal(4, window.Count);
        Assert.Equal(1.0, window.Accuracy);
        Assert.Equal(2.5, window.Loss, 12);
    }

    [Fact]
    public void Accuracy_Empty_IsNaN()
    {
        var window = new PrequentialWindow(capacity: 3);

        Assert.True(double.IsNaN(window.Accuracy));
        Assert.True(double.IsNaN(window.Loss));
        Assert.Equal(0, window.Count);
    }
}
