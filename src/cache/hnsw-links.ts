/**
 * The links of an HNSW graph, with the (approximate) similarity of each link kept next to it:
 * layer 0 in flat typed arrays, `2 × maxNeighbors` slots per node; the upper layers, which only a
 * few nodes reach, in small per-node arrays of `maxNeighbors` slots per layer.
 */
export class HnswLinks {
  private readonly maxNeighbors: number;
  private readonly maxNeighborsLayer0: number;
  private layer0Links: Int32Array;
  private layer0Scores: Float32Array;
  private layer0Counts: Uint8Array;
  private readonly upperLinks: (Int32Array | undefined)[] = [];
  private readonly upperScores: (Float32Array | undefined)[] = [];
  private readonly upperCounts: (Uint8Array | undefined)[] = [];

  constructor(maxNeighbors: number, capacity: number) {
    this.maxNeighbors = maxNeighbors;
    this.maxNeighborsLayer0 = maxNeighbors * 2;
    this.layer0Links = new Int32Array(capacity * this.maxNeighborsLayer0);
    this.layer0Scores = new Float32Array(capacity * this.maxNeighborsLayer0);
    this.layer0Counts = new Uint8Array(capacity);
  }

  /** Makes room for `capacity` nodes on layer 0. */
  grow(capacity: number): void {
    const links = new Int32Array(capacity * this.maxNeighborsLayer0);
    links.set(this.layer0Links);
    this.layer0Links = links;
    const scores = new Float32Array(capacity * this.maxNeighborsLayer0);
    scores.set(this.layer0Scores);
    this.layer0Scores = scores;
    const counts = new Uint8Array(capacity);
    counts.set(this.layer0Counts);
    this.layer0Counts = counts;
  }

  /** Gives a new node its (empty) link lists on layers 1…level. */
  allocateUpper(node: number, level: number): void {
    if (level === 0) return;
    this.upperLinks[node] = new Int32Array(level * this.maxNeighbors);
    this.upperScores[node] = new Float32Array(level * this.maxNeighbors);
    this.upperCounts[node] = new Uint8Array(level);
  }

  /** Layer-0 links of every node, `layer0Stride` slots each; replaced when the graph grows. */
  get layer0(): { readonly links: Int32Array; readonly counts: Uint8Array; readonly stride: number } {
    return { links: this.layer0Links, counts: this.layer0Counts, stride: this.maxNeighborsLayer0 };
  }

  /** Most links a node keeps on `layer`. */
  limitOf(layer: number): number {
    return layer === 0 ? this.maxNeighborsLayer0 : this.maxNeighbors;
  }

  /** The array holding the links of `node` on `layer`, from `offsetOf` for `countOf` entries. */
  linksOf(node: number, layer: number): Int32Array {
    return layer === 0 ? this.layer0Links : this.upperLinks[node]!;
  }

  offsetOf(node: number, layer: number): number {
    return layer === 0 ? node * this.maxNeighborsLayer0 : (layer - 1) * this.maxNeighbors;
  }

  countOf(node: number, layer: number): number {
    return layer === 0 ? this.layer0Counts[node]! : this.upperCounts[node]![layer - 1]!;
  }

  /** A copy of the links of `node` on `layer`. */
  neighbors(node: number, layer: number): number[] {
    const offset = this.offsetOf(node, layer);
    return Array.from(this.linksOf(node, layer).subarray(offset, offset + this.countOf(node, layer)));
  }

  /** Replaces the links of `node` on `layer`. */
  set(node: number, layer: number, neighbors: readonly number[], scores: readonly number[]): void {
    const offset = this.offsetOf(node, layer);
    this.linksOf(node, layer).set(neighbors, offset);
    this.scoresOf(node, layer).set(scores, offset);
    this.setCount(node, layer, neighbors.length);
  }

  /**
   * Adds `to` to the links of `from`. A full list swaps its least similar link for the new one
   * when the new one is closer; the stored scores make that a scan, not a dot product per link.
   */
  add(from: number, to: number, score: number, layer: number): void {
    const links = this.linksOf(from, layer);
    const scores = this.scoresOf(from, layer);
    const offset = this.offsetOf(from, layer);
    const count = this.countOf(from, layer);
    for (let index = 0; index < count; index++) if (links[offset + index] === to) return;
    if (count < this.limitOf(layer)) {
      links[offset + count] = to;
      scores[offset + count] = score;
      this.setCount(from, layer, count + 1);
      return;
    }
    let worst = -1;
    let worstScore = score;
    for (let index = 0; index < count; index++) {
      if (scores[offset + index]! < worstScore) {
        worstScore = scores[offset + index]!;
        worst = index;
      }
    }
    if (worst < 0) return;
    links[offset + worst] = to;
    scores[offset + worst] = score;
  }

  private scoresOf(node: number, layer: number): Float32Array {
    return layer === 0 ? this.layer0Scores : this.upperScores[node]!;
  }

  private setCount(node: number, layer: number, count: number): void {
    if (layer === 0) this.layer0Counts[node] = count;
    else this.upperCounts[node]![layer - 1] = count;
  }
}
