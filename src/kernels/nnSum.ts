// JS wrapper of nnSumRows (assembly/nn/sumRows.ts): column sums of a [rows, c] matrix, the bias
// gradient of a conv layer. The input is copied into our module's memory (one memcpy), summed
// there with SIMD, and the float64 sums rounded into `out`.
import { kernel, view, withScope } from './memory.js';
import { NnKernelError } from './nn.js';

/**
 * out[k] = Σ_r x[r·c + k] for k < c (float32 SIMD within blocks of 64 rows, float64 across blocks;
 * the order depends only on the shape).
 * @param x `rows*c` floats, row-major.
 * @param out optional destination of `c` floats; a new array otherwise.
 */
export function sumRows(x: Float32Array, rows: number, c: number, out?: Float32Array): Float32Array {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(c) || c < 1)
    throw new NnKernelError(`sumRows: rows must be an integer >= 0 and c >= 1, got ${rows} and ${c}`);
  if (x.length !== rows * c)
    throw new NnKernelError(`sumRows: x has ${x.length} floats, expected ${rows * c}`);
  const dst = out ?? new Float32Array(c);
  if (dst.length !== c) throw new NnKernelError(`sumRows: out has ${dst.length} floats, expected ${c}`);
  withScope((scope) => {
    const xp = rows > 0 ? scope.input(x) : scope.alloc(4);
    const op = scope.alloc(c * 8);
    const rc = kernel<(x: number, o: number, rows: number, c: number) => number>('nnSumRows')(
      xp,
      op,
      rows,
      c,
    );
    if (rc !== 0) throw new NnKernelError(`nnSumRows rejected its arguments (code ${rc})`);
    dst.set(view(Float64Array, op, c));
  });
  return dst;
}
