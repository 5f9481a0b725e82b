// Status codes of the nn kernels; src/kernels/nn.ts turns them into typed errors.

/** A size, stride, padding or pointer argument is out of range. */
export const NN_BAD_ARGS: i32 = -1;
