/** A binary heap of (node, score) pairs on growable typed arrays; reused across searches. */
export class ScoredHeap {
  private nodes = new Int32Array(64);
  private scores = new Float64Array(64);
  private length = 0;
  private readonly isMax: boolean;

  /** `isMax`: the best (highest) score on top; otherwise the worst (lowest) on top. */
  constructor(isMax: boolean) {
    this.isMax = isMax;
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.length = 0;
  }

  topScore(): number {
    return this.scores[0]!;
  }

  push(node: number, score: number): void {
    if (this.length === this.nodes.length) this.grow();
    const nodes = this.nodes;
    const scores = this.scores;
    let index = this.length++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentScore = scores[parent]!;
      if (this.isMax ? parentScore >= score : parentScore <= score) break;
      nodes[index] = nodes[parent]!;
      scores[index] = parentScore;
      index = parent;
    }
    nodes[index] = node;
    scores[index] = score;
  }

  /** Removes the top pair and returns its node. */
  pop(): number {
    const nodes = this.nodes;
    const scores = this.scores;
    const top = nodes[0]!;
    const last = --this.length;
    if (last === 0) return top;
    const node = nodes[last]!;
    const score = scores[last]!;
    const isMax = this.isMax;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && (isMax ? scores[right]! > scores[child]! : scores[right]! < scores[child]!)) child = right;
      if (isMax ? scores[child]! <= score : scores[child]! >= score) break;
      nodes[index] = nodes[child]!;
      scores[index] = scores[child]!;
      index = child;
    }
    nodes[index] = node;
    scores[index] = score;
    return top;
  }

  private grow(): void {
    const nodes = new Int32Array(this.nodes.length * 2);
    nodes.set(this.nodes);
    this.nodes = nodes;
    const scores = new Float64Array(this.scores.length * 2);
    scores.set(this.scores);
    this.scores = scores;
  }
}
