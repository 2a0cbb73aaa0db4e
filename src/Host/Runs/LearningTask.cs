namespace EdgeIL.Host.Runs;

/// <summary>What the network learns from a stream.</summary>
public enum LearningTask
{
    /// <summary>Predict the class label: softmax and cross-entropy.</summary>
    Classify,

    /// <summary>Reconstruct the (scaled) input: sigmoid and binary cross-entropy.</summary>
    Autoencode,

    /// <summary>Predict real-valued targets (CSV columns named by --label-column): identity output and squared error.</summary>
    Regress,
}
