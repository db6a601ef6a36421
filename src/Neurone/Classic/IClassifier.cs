using Neurone.Tensors;

namespace Neurone.Classic;

/// <summary>
/// What every classic baseline offers, shaped like scikit-learn's estimators so one script can compare
/// them with a neural network on the same split: <see cref="Fit"/> on features [n, d] (trailing
/// dimensions are flattened, so MNIST's [n, 1, 28, 28] works) and Int64 class labels [n] (any integers),
/// <see cref="Predict"/> the labels of new rows, <see cref="Score"/> the accuracy, and
/// <see cref="DecisionFunction"/> a continuous score per row for decision-region pictures.
/// </summary>
public interface IClassifier
{
    /// <summary>The distinct training labels in increasing order (scikit-learn's <c>classes_</c>); empty before <see cref="Fit"/>.</summary>
    IReadOnlyList<int> Classes { get; }

    /// <summary>Learns from features <paramref name="x"/> [n, d] and Int64 labels <paramref name="y"/> [n]; returns this model.</summary>
    IClassifier Fit(Tensor x, Tensor y);

    /// <summary>The predicted label (one of <see cref="Classes"/>) of each row of <paramref name="x"/>.</summary>
    int[] Predict(Tensor x);

    /// <summary>The fraction of rows of <paramref name="x"/> whose predicted label equals <paramref name="y"/>.</summary>
    double Score(Tensor x, Tensor y);

    /// <summary>
    /// A continuous score per row: [n] for two classes (positive means <c>Classes[1]</c>, as in
    /// scikit-learn), [n, classes] otherwise (higher means more likely that class). Each model documents
    /// what its numbers are.
    /// </summary>
    Tensor DecisionFunction(Tensor x);
}
