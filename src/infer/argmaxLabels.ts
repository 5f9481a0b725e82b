/**
 * Per-pixel class of highest probability in a pixel-major `plane × classes` map (ties go to the
 * lower class): the label map of a prediction, or of a mean of predictions.
 */
export function argmaxLabels(probabilities: ArrayLike<number>, classes: number): Uint8Array {
  const labels = new Uint8Array(probabilities.length / classes);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probabilities[i * classes + c]! > probabilities[i * classes + best]!) best = c;
    labels[i] = best;
  }
  return labels;
}
