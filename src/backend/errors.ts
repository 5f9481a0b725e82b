/** Thrown for a bad backend name or a backend that cannot be initialised. */
export class BackendError extends Error {
  override name = 'BackendError';
}

/** Thrown when one of our tfjs kernels gets inputs it does not support. */
export class KernelSupportError extends Error {
  override name = 'KernelSupportError';
}
