import type { Random } from '@keel/tensor';

/**
 * A matrix with orthonormal columns (rows × cols, rows >= cols), row-major, from a seeded
 * standard-normal matrix: the Q of its QR decomposition with R's diagonal made positive, as
 * Keras and PyTorch do, so Q is uniformly (Haar) distributed. Q is built by modified Gram–Schmidt
 * run twice per column ("twice is enough"), which keeps QᵀQ = I to rounding error; Gram–Schmidt's
 * R has a positive diagonal by construction, so no sign fix is needed.
 */
export function orthonormalColumns(rows: number, cols: number, random: Random): Float64Array {
  // Draw the normal matrix in row-major order (as Keras draws its flat shape), store by column.
  const columns = Array.from({ length: cols }, () => new Float64Array(rows));
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) columns[j][i] = random.normal();
  for (let j = 0; j < cols; j++) {
    const v = columns[j];
    let original = 0;
    for (let i = 0; i < rows; i++) original += v[i] * v[i];
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const q = columns[k];
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i] * v[i];
        for (let i = 0; i < rows; i++) v[i] -= dot * q[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    // A Gaussian matrix is full rank with probability 1; this guards against a broken generator.
    if (!(norm > 1e-10 * Math.sqrt(original))) throw new Error(`orthogonal: the random matrix is rank-deficient at column ${j}`);
    for (let i = 0; i < rows; i++) v[i] /= norm;
  }
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const q = columns[j];
    for (let i = 0; i < rows; i++) out[i * cols + j] = q[i];
  }
  return out;
}
