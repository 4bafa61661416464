import { simdDotKernels, type SimdDotKernels } from './simd-dot-kernels.js';

export type VectorArenaOptions = {
  /** Length of every vector. */
  readonly dimensions: number;
  /** Rows to allocate room for up front. */
  readonly initialCapacity: number;
  /** Whether to use the WebAssembly SIMD kernels when the runtime has them; `false` forces the plain JS path. @default true */
  readonly shouldUseSimd?: boolean;
};

const PAGE_BYTES = 65_536;
/** Rows are zero-padded to this many lanes, the step of the int8 kernel. */
const LANE_MULTIPLE = 32;
/** Most node ids one batch scores; a layer-0 link list holds at most 254. */
const MAX_BATCH = 256;
/** The int8 memory starts with the batch's ids, then its int32 dot products, then the rows. */
const BATCH_IDS_BYTES = 0;
const BATCH_DOTS_BYTES = MAX_BATCH * 4;
const CODE_ROWS_BYTES = MAX_BATCH * 8;

/**
 * Unit vectors stored twice, back to back in flat memory: as float32 rows for exact scores and as
 * int8 rows (one scale per row) for the approximate scores a graph search makes by the thousand.
 * Row 0 holds the current query; node `n` lives in row `n + 1`. Dot products run in WebAssembly
 * SIMD when available, in plain JS otherwise (same results up to float rounding). A search scores
 * a node's unvisited neighbours in one batch call, so the CPU overlaps their memory loads.
 */
export class VectorArena {
  readonly dimensions: number;
  /** Row length in lanes, a multiple of 32. */
  private readonly lanes: number;
  private readonly floatMemory: WebAssembly.Memory | undefined;
  private readonly codeMemory: WebAssembly.Memory | undefined;
  private floatBuffer: ArrayBuffer;
  private codeBuffer: ArrayBuffer;
  private floats: Float32Array;
  private codes: Int8Array;
  private scales: Float32Array;
  private batchDots: Int32Array;
  /** Node ids to score with `scoreBatch`; write up to `MAX_BATCH` of them. Replaced when the arena grows. */
  batchIds: Int32Array;
  /** Approximate similarities written by `scoreBatch`, in the order of `batchIds`. */
  readonly batchScores = new Float64Array(MAX_BATCH);
  private capacity: number;
  private queryScale = 0;
  /** Dot product of two float rows given as byte offsets. */
  private readonly dotFloat32: (left: number, right: number, byteLength: number) => number;
  /** Dot product of two int8 rows given as byte offsets. */
  private readonly dotInt8: (left: number, right: number, byteLength: number) => number;
  private readonly dotInt8Batch: (query: number, ids: number, count: number, byteLength: number, out: number, rowBase: number) => void;
  /** Whether the SIMD kernels are in use. */
  readonly isSimd: boolean;

  constructor(options: VectorArenaOptions) {
    this.dimensions = options.dimensions;
    this.lanes = Math.ceil(options.dimensions / LANE_MULTIPLE) * LANE_MULTIPLE;
    this.capacity = Math.max(1, options.initialCapacity);
    const floatBytes = (this.capacity + 1) * this.lanes * 4;
    const codeBytes = CODE_ROWS_BYTES + (this.capacity + 1) * this.lanes;
    let floatKernels: SimdDotKernels | undefined;
    let codeKernels: SimdDotKernels | undefined;
    if (options.shouldUseSimd !== false && typeof WebAssembly === 'object') {
      const floatMemory = new WebAssembly.Memory({ initial: Math.ceil(floatBytes / PAGE_BYTES) });
      floatKernels = simdDotKernels(floatMemory);
      if (floatKernels) {
        const codeMemory = new WebAssembly.Memory({ initial: Math.ceil(codeBytes / PAGE_BYTES) });
        codeKernels = simdDotKernels(codeMemory)!;
        this.floatMemory = floatMemory;
        this.codeMemory = codeMemory;
      }
    }
    this.floatBuffer = this.floatMemory?.buffer ?? new ArrayBuffer(floatBytes);
    this.codeBuffer = this.codeMemory?.buffer ?? new ArrayBuffer(codeBytes);
    this.floats = new Float32Array(this.floatBuffer);
    this.codes = new Int8Array(this.codeBuffer);
    this.batchIds = new Int32Array(this.codeBuffer, BATCH_IDS_BYTES, MAX_BATCH);
    this.batchDots = new Int32Array(this.codeBuffer, BATCH_DOTS_BYTES, MAX_BATCH);
    this.scales = new Float32Array(this.capacity);
    this.isSimd = floatKernels !== undefined;
    this.dotFloat32 = floatKernels?.dotFloat32 ?? ((left, right, byteLength) => dotFloats(this.floats, left >> 2, right >> 2, byteLength >> 2));
    this.dotInt8 = codeKernels?.dotInt8 ?? ((left, right, byteLength) => dotCodes(this.codes, left, right, byteLength));
    this.dotInt8Batch =
      codeKernels?.dotInt8Batch ??
      ((query, _ids, count, byteLength, _out, rowBase) => {
        for (let index = 0; index < count; index++) {
          this.batchDots[index] = dotCodes(this.codes, query, rowBase + this.batchIds[index]! * byteLength, byteLength);
        }
      });
  }

  /** Makes room for nodes `0 … nodes - 1`, growing by doubling. */
  ensureCapacity(nodes: number): void {
    if (nodes <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < nodes) capacity *= 2;
    const floatBytes = (capacity + 1) * this.lanes * 4;
    const codeBytes = CODE_ROWS_BYTES + (capacity + 1) * this.lanes;
    if (this.floatMemory && this.codeMemory) {
      growMemory(this.floatMemory, floatBytes);
      growMemory(this.codeMemory, codeBytes);
      this.floatBuffer = this.floatMemory.buffer;
      this.codeBuffer = this.codeMemory.buffer;
    } else {
      this.floatBuffer = copyInto(this.floatBuffer, floatBytes);
      this.codeBuffer = copyInto(this.codeBuffer, codeBytes);
    }
    this.floats = new Float32Array(this.floatBuffer);
    this.codes = new Int8Array(this.codeBuffer);
    this.batchIds = new Int32Array(this.codeBuffer, BATCH_IDS_BYTES, MAX_BATCH);
    this.batchDots = new Int32Array(this.codeBuffer, BATCH_DOTS_BYTES, MAX_BATCH);
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
    this.capacity = capacity;
  }

  /** Stores `vector`, normalized, as node `node`. */
  setNode(node: number, vector: Float32Array): void {
    this.scales[node] = this.write(node + 1, vector);
  }

  /** Stores `vector`, normalized, as the query that the `…ToQuery` scores compare against. */
  setQuery(vector: Float32Array): void {
    this.queryScale = this.write(0, vector);
  }

  /** Cosine similarity of the query and a node, from the int8 rows (absolute error ≈ 0.002). */
  approximateToQuery(node: number): number {
    const lanes = this.lanes;
    return this.dotInt8(CODE_ROWS_BYTES, CODE_ROWS_BYTES + (node + 1) * lanes, lanes) * this.queryScale * this.scales[node]!;
  }

  /** Cosine similarity of two nodes, from the int8 rows. */
  approximateBetween(left: number, right: number): number {
    const lanes = this.lanes;
    const base = CODE_ROWS_BYTES + lanes;
    return this.dotInt8(base + left * lanes, base + right * lanes, lanes) * this.scales[left]! * this.scales[right]!;
  }

  /** Fills `batchScores[0 … count)` with `approximateToQuery` of the first `count` of `batchIds`. */
  scoreBatch(count: number): void {
    const lanes = this.lanes;
    this.dotInt8Batch(CODE_ROWS_BYTES, BATCH_IDS_BYTES, count, lanes, BATCH_DOTS_BYTES, CODE_ROWS_BYTES + lanes);
    const ids = this.batchIds;
    const dots = this.batchDots;
    const scores = this.batchScores;
    const scales = this.scales;
    const queryScale = this.queryScale;
    for (let index = 0; index < count; index++) scores[index] = dots[index]! * queryScale * scales[ids[index]!]!;
  }

  /** Cosine similarity of the query and a node, from the float rows. */
  exactToQuery(node: number): number {
    const rowBytes = this.lanes * 4;
    return this.dotFloat32(0, (node + 1) * rowBytes, rowBytes);
  }

  /** Writes a row (float and int8) and returns its int8 scale. */
  private write(row: number, vector: Float32Array): number {
    const dimensions = this.dimensions;
    let norm = 0;
    for (let index = 0; index < dimensions; index++) norm += vector[index]! * vector[index]!;
    const inverseNorm = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const floats = this.floats;
    const floatOffset = row * this.lanes;
    let largest = 0;
    for (let index = 0; index < dimensions; index++) {
      const value = vector[index]! * inverseNorm;
      floats[floatOffset + index] = value;
      const magnitude = Math.abs(value);
      if (magnitude > largest) largest = magnitude;
    }
    const codes = this.codes;
    const codeOffset = CODE_ROWS_BYTES + row * this.lanes;
    const toCode = largest > 0 ? 127 / largest : 0;
    for (let index = 0; index < dimensions; index++) codes[codeOffset + index] = Math.round(floats[floatOffset + index]! * toCode);
    return largest / 127;
  }
}

function growMemory(memory: WebAssembly.Memory, bytes: number): void {
  const pages = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
  if (pages > 0) memory.grow(pages);
}

function copyInto(buffer: ArrayBuffer, bytes: number): ArrayBuffer {
  const grown = new ArrayBuffer(bytes);
  new Uint8Array(grown).set(new Uint8Array(buffer));
  return grown;
}

// dotFloats and dotCodes are the same loop on purpose: one function per typed-array type keeps
// each call site monomorphic, which V8 needs to keep the unrolled loop fast.
function dotFloats(values: Float32Array, left: number, right: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  for (let index = 0; index < length; index += 4) {
    sum0 += values[left + index]! * values[right + index]!;
    sum1 += values[left + index + 1]! * values[right + index + 1]!;
    sum2 += values[left + index + 2]! * values[right + index + 2]!;
    sum3 += values[left + index + 3]! * values[right + index + 3]!;
  }
  return sum0 + sum1 + sum2 + sum3;
}

function dotCodes(values: Int8Array, left: number, right: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  for (let index = 0; index < length; index += 4) {
    sum0 += values[left + index]! * values[right + index]!;
    sum1 += values[left + index + 1]! * values[right + index + 1]!;
    sum2 += values[left + index + 2]! * values[right + index + 2]!;
    sum3 += values[left + index + 3]! * values[right + index + 3]!;
  }
  return sum0 + sum1 + sum2 + sum3;
}
