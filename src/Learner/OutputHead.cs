namespace EdgeIL.Learner;

/// <summary>
/// The output function <c>sigma</c> and loss <c>L(t, sigma(z))</c> of a network. For all three,
/// <c>dL/dz = sigma(z) - t</c>, which is what lets one learning rule serve every task.
/// </summary>
public enum OutputHead
{
    /// <summary>Classification: softmax and cross-entropy <c>-sum t_i log sigma_i</c>.</summary>
    Softmax,

    /// <summary>Autoencoder or multi-label: element-wise sigmoid and binary cross-entropy summed over outputs.</summary>
    Sigmoid,

    /// <summary>Regression: identity and squared error <c>0.5 ||z - t||^2</c>.</summary>
    Identity,
}
