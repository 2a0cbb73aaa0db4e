namespace EdgeIL.Learner.Onnx;

/// <summary>
/// An MLP read from an ONNX file by <see cref="OnnxImport"/>, with what the file says about where it
/// came from. The EdgeIL-specific properties are set when the file carries EdgeIL's metadata
/// (<see cref="OnnxMetadata"/>) and are null for models from other exporters.
/// </summary>
public sealed class OnnxImportedModel
{
    internal OnnxImportedModel(Mlp model, bool headFromGraph, string producerName, string producerVersion, long irVersion, long opsetVersion, IReadOnlyDictionary<string, string> metadata)
    {
        Model = model;
        HeadFromGraph = headFromGraph;
        ProducerName = producerName;
        ProducerVersion = producerVersion;
        IrVersion = irVersion;
        OpsetVersion = opsetVersion;
        Metadata = metadata;
        if (metadata.TryGetValue(OnnxMetadata.Algorithm, out string? algorithmName) && LearningAlgorithms.TryParse(algorithmName, out LearningAlgorithm algorithm))
        {
            Algorithm = algorithm;
            if (metadata.TryGetValue(OnnxMetadata.Hyperparameters, out string? settings))
            {
                Hyperparameters = MetadataText.ParseHyperparameters(settings, algorithm);
            }
        }

        if (metadata.TryGetValue(OnnxMetadata.SamplesSeen, out string? samples)
            && long.TryParse(samples, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long count))
        {
            SamplesSeen = count;
        }

        SourceName = metadata.GetValueOrDefault(OnnxMetadata.Source);
        if (metadata.TryGetValue(OnnxMetadata.ClassNames, out string? names)
            && MetadataText.ParseClassNames(names) is { } parsed
            && parsed.Length == model.OutputSize)
        {
            ClassNames = parsed;
        }
    }

    /// <summary>The network: the input stage (fixed offset and scale), the layers and the head.</summary>
    public Mlp Model { get; }

    /// <summary>
    /// True when the graph ends in its own <c>Softmax</c> or <c>Sigmoid</c>, which fixed the head;
    /// false when it ends at the logits and the head is the one asked for (or the identity head).
    /// </summary>
    public bool HeadFromGraph { get; }

    /// <summary>The file's <c>producer_name</c> (<c>EdgeIL</c> for EdgeIL's own exports; empty when absent).</summary>
    public string ProducerName { get; }

    /// <summary>The file's <c>producer_version</c> (empty when absent).</summary>
    public string ProducerVersion { get; }

    /// <summary>The file's IR version.</summary>
    public long IrVersion { get; }

    /// <summary>The default-domain operator set version the file imports.</summary>
    public long OpsetVersion { get; }

    /// <summary>Every <c>metadata_props</c> entry (the first one where a key repeats).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The learning rule that trained the model (<see cref="OnnxMetadata.Algorithm"/>), if the file names one EdgeIL knows.</summary>
    public LearningAlgorithm? Algorithm { get; }

    /// <summary>That rule's settings (<see cref="OnnxMetadata.Hyperparameters"/>), if the file holds valid ones.</summary>
    public Hyperparameters? Hyperparameters { get; }

    /// <summary>The samples the model learned from (<see cref="OnnxMetadata.SamplesSeen"/>), if recorded.</summary>
    public long? SamplesSeen { get; }

    /// <summary>The dataset or source the model learned from (<see cref="OnnxMetadata.Source"/>), if recorded.</summary>
    public string? SourceName { get; }

    /// <summary>The names of the outputs (<see cref="OnnxMetadata.ClassNames"/>), if recorded with one per output.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>
    /// A learner that continues training <see cref="Model"/> in place. With no
    /// <paramref name="algorithm"/> it uses the file's algorithm, else IL-prox; it takes the file's
    /// hyperparameters when they belong to the chosen algorithm, else that algorithm's defaults, and
    /// the file's sample count. Rules that use Adam start with fresh moments: ONNX holds no optimiser state.
    /// </summary>
    /// <param name="algorithm">The learning rule to continue with; null for the file's, or IL-prox.</param>
    /// <returns>A new learner of <see cref="Model"/>.</returns>
    public OnlineLearner CreateLearner(LearningAlgorithm? algorithm = null)
    {
        LearningAlgorithm chosen = algorithm ?? Algorithm ?? LearningAlgorithm.ILProx;
        Hyperparameters? settings = chosen == Algorithm ? Hyperparameters : null;
        return new OnlineLearner(Model, chosen, settings) { SamplesSeen = SamplesSeen ?? 0 };
    }
}
