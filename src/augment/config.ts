// Typed augmentation config with documented defaults. Every transform has an on/off switch, a
// probability and parameter ranges; ranges are [min, max] drawn uniformly.

/** A transform that is either applied (with probability p) or not. */
export interface AugmentToggle {
  /** Off: never applied (its random draws still happen, so other transforms are unaffected). */
  enabled: boolean;
  /** Probability of applying it to a sample, in [0, 1]. */
  p: number;
}

export type AugmentRange = readonly [number, number];

/** Configuration of `augment` / `augmentTile`. Merge partial overrides over `defaultAugmentConfig`. */
export interface AugmentConfig {
  /** Elastic deformation (Simard et al.): alpha (pixels) and sigma (pixels) drawn per sample. */
  elastic: AugmentToggle & { alpha: AugmentRange; sigma: AugmentRange };
  /** Rotation by an angle in degrees. */
  rotation: AugmentToggle & { degrees: AugmentRange };
  /** Isotropic zoom factor (> 1 magnifies). */
  scale: AugmentToggle & { factor: AugmentRange };
  /** Shear: x += k * y, k drawn from `range`. */
  shear: AugmentToggle & { range: AugmentRange };
  /** Translation by a fraction of the output size, drawn independently for x and y. */
  translation: AugmentToggle & { fraction: AugmentRange };
  /** Mirror left-right. */
  flipHorizontal: AugmentToggle;
  /** Mirror top-bottom. */
  flipVertical: AugmentToggle;
  /** Rotation by k * 90 degrees, k uniform in {1, 2, 3}. */
  rot90: AugmentToggle;
  /** Added to the intensities (images scaled to [0, 1]). */
  brightness: AugmentToggle & { range: AugmentRange };
  /** Contrast factor about the image mean. */
  contrast: AugmentToggle & { range: AugmentRange };
  /** Gamma exponent, applied to max(x, 0). */
  gamma: AugmentToggle & { range: AugmentRange };
  /** Additive Gaussian noise with std drawn from `std`. */
  noise: AugmentToggle & { std: AugmentRange };
  /**
   * Border rule of the geometric warp (labels always use nearest sampling). 'reflect' keeps labels
   * within the input's values; 'constant' fills the image and the label with 0 outside the slice.
   */
  boundary: 'reflect' | 'constant';
}

/**
 * Defaults, after the U-Net paper's recipe (elastic deformation above all) and common EM practice:
 * - elastic: on, p 0.5, alpha [100, 300], sigma [10, 15]
 * - rotation: on, p 0.5, [-30, 30] degrees; scale: on, p 0.5, [0.9, 1.1]
 * - shear: on, p 0.3, [-0.1, 0.1]; translation: on, p 0.3, [-0.05, 0.05] of the size
 * - flipHorizontal, flipVertical, rot90: on, p 0.5 each
 * - brightness: on, p 0.5, [-0.1, 0.1]; contrast: on, p 0.5, [0.8, 1.2]
 * - gamma: on, p 0.3, [0.8, 1.25]; noise: on, p 0.3, std [0, 0.05]
 * - boundary: 'reflect'
 */
const defaults: AugmentConfig = {
  elastic: { enabled: true, p: 0.5, alpha: [100, 300], sigma: [10, 15] },
  rotation: { enabled: true, p: 0.5, degrees: [-30, 30] },
  scale: { enabled: true, p: 0.5, factor: [0.9, 1.1] },
  shear: { enabled: true, p: 0.3, range: [-0.1, 0.1] },
  translation: { enabled: true, p: 0.3, fraction: [-0.05, 0.05] },
  flipHorizontal: { enabled: true, p: 0.5 },
  flipVertical: { enabled: true, p: 0.5 },
  rot90: { enabled: true, p: 0.5 },
  brightness: { enabled: true, p: 0.5, range: [-0.1, 0.1] },
  contrast: { enabled: true, p: 0.5, range: [0.8, 1.2] },
  gamma: { enabled: true, p: 0.3, range: [0.8, 1.25] },
  noise: { enabled: true, p: 0.3, std: [0, 0.05] },
  boundary: 'reflect',
};
for (const v of Object.values(defaults)) if (typeof v === 'object') Object.freeze(v);
export const defaultAugmentConfig: Readonly<AugmentConfig> = Object.freeze(defaults);

/** A config with every transform off (augment then returns its input unchanged). */
export function noAugmentConfig(): AugmentConfig {
  const c = structuredClone(defaultAugmentConfig) as unknown as Record<string, unknown>;
  for (const v of Object.values(c))
    if (typeof v === 'object' && v !== null) (v as AugmentToggle).enabled = false;
  return c as unknown as AugmentConfig;
}
