import type { Dataset } from './dataset.js';
import type { Mlp } from './model.js';

/**
 * Scores `model` on the validation split. Run through `tracker.track()`: the returned plain
 * object merges in as the `val_loss` and `val_accuracy` columns, and the parameter names give
 * the unpacked argument columns (`model_hidden`, `validation_size`, ...).
 */
export function evaluate(model: Mlp, validation: Dataset): { val_loss: number; val_accuracy: number } {
  const { loss, accuracy } = model.score(validation);
  return { val_loss: loss, val_accuracy: accuracy };
}
