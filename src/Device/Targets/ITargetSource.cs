namespace EdgeIL.Device.Targets;

/// <summary>
/// Where a classifier's targets come from: the label of the frame being shown, given by a replayed
/// dataset, a held button, or a line on standard input.
/// </summary>
public interface ITargetSource : IDisposable
{
    /// <summary>Gets a short description for logs.</summary>
    string Description { get; }

    /// <summary>Starts listening (buttons, standard input).</summary>
    void Start();

    /// <summary>Gets the class of the frame being shown now, if the user (or the dataset) says.</summary>
    /// <param name="frameLabel">The label the frame came with (replay), or -1.</param>
    /// <returns>The class, or -1 when there is no target for this frame.</returns>
    int CurrentLabel(int frameLabel);
}

/// <summary>Targets from the replayed dataset: each frame's own label.</summary>
public sealed class DatasetTargets : ITargetSource
{
    /// <inheritdoc/>
    public string Description => "the replayed samples' labels";

    /// <inheritdoc/>
    public void Start()
    {
    }

    /// <inheritdoc/>
    public int CurrentLabel(int frameLabel) => frameLabel;

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
