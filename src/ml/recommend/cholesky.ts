/**
 * Dense Cholesky factorisation and solves for the small symmetric positive-definite systems of the
 * fold-in (d around 32–64). Plain JS on row-major Float64Arrays: at this size a call costs tens of
 * microseconds, far below any library's set-up cost.
 */

/**
 * Factors A = L·Lᵀ in place: on return the lower triangle holds L (the upper one is left as is).
 * Throws when A is not positive definite. Shape: a [d × d] row-major.
 */
export function choleskyInPlace(a: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= a[j * d + k] * a[j * d + k];
    if (!(diag > 0)) throw new Error(`matrix is not positive definite (pivot ${j}: ${diag})`);
    const ljj = Math.sqrt(diag);
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = s / ljj;
    }
  }
}

/**
 * Solves L·Lᵀ x = b given the factor from choleskyInPlace; writes x into `out` (may alias b).
 * Shapes: l [d × d], b [d], out [d].
 */
export function choleskySolve(
  l: Float64Array,
  d: number,
  b: ArrayLike<number>,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * out[k];
    out[i] = s / l[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let s = out[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * out[k];
    out[i] = s / l[i * d + i];
  }
  return out;
}
