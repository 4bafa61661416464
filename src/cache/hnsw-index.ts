import { ScoredHeap } from './scored-heap.js';

export type HnswIndexOptions = {
  /** Length of every vector. */
  readonly dimensions: number;
  /** Links per node on the upper layers (`M`); layer 0 keeps twice as many. @default 16 */
  readonly maxNeighbors?: number;
  /** Candidate list size while inserting; higher builds slower and finds more. @default 48 */
  readonly efConstruction?: number;
  /** Candidate list size while searching, raised to `k` when smaller. @default 64 */
  readonly efSearch?: number;
  /** Uniform random source in [0, 1) for layer assignment; inject a seeded one for reproducible graphs. @default Math.random */
  readonly random?: () => number;
  /** Nodes to allocate room for up front; the arrays grow by doubling. @default 1024 */
  readonly initialCapacity?: number;
};

/** Nearest nodes by cosine similarity, best first. */
export type HnswMatches = { readonly nodes: number[]; readonly scores: number[] };

/** Dot product of two `dimensions`-long slices; both are unit vectors, so this is cosine similarity. */
function dot(left: Float32Array, leftOffset: number, right: Float32Array, rightOffset: number, dimensions: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let index = 0;
  const limit = dimensions - 3;
  for (; index < limit; index += 4) {
    sum0 += left[leftOffset + index]! * right[rightOffset + index]!;
    sum1 += left[leftOffset + index + 1]! * right[rightOffset + index + 1]!;
    sum2 += left[leftOffset + index + 2]! * right[rightOffset + index + 2]!;
    sum3 += left[leftOffset + index + 3]! * right[rightOffset + index + 3]!;
  }
  for (; index < dimensions; index++) sum0 += left[leftOffset + index]! * right[rightOffset + index]!;
  return sum0 + sum1 + sum2 + sum3;
}

/**
 * A hierarchical navigable small world graph (Malkov & Yashunin, 2016) over unit vectors, in plain
 * TypeScript on typed arrays. Removal leaves a tombstone that still routes searches; the next
 * insertion reuses the slot after re-linking the tombstone's neighbours, so memory stays bounded by
 * the peak number of live entries.
 */
export class HnswIndex {
  readonly dimensions: number;
  private readonly maxNeighbors: number;
  private readonly maxNeighborsLayer0: number;
  private readonly efConstruction: number;
  private readonly efSearch: number;
  private readonly random: () => number;
  private readonly levelMultiplier: number;
  private capacity: number;
  private vectors: Float32Array;
  private levels: Uint8Array;
  private layer0Links: Int32Array;
  private layer0Counts: Uint8Array;
  /** Links for layers 1…level of each node, `maxNeighbors` per layer; undefined for layer-0-only nodes. */
  private upperLinks: (Int32Array | undefined)[] = [];
  private upperCounts: (Uint8Array | undefined)[] = [];
  private deleted: Uint8Array;
  private visited: Uint32Array;
  private visitMark = 0;
  private readonly freeSlots: number[] = [];
  private nodeCount = 0;
  private liveCount = 0;
  private entryPoint = -1;
  private topLevel = -1;
  private readonly candidates = new ScoredHeap(true);
  private readonly results = new ScoredHeap(false);
  private readonly query: Float32Array;

  constructor(options: HnswIndexOptions) {
    this.dimensions = options.dimensions;
    this.maxNeighbors = options.maxNeighbors ?? 16;
    this.maxNeighborsLayer0 = this.maxNeighbors * 2;
    this.efConstruction = options.efConstruction ?? 48;
    this.efSearch = options.efSearch ?? 64;
    this.random = options.random ?? Math.random;
    this.levelMultiplier = 1 / Math.log(this.maxNeighbors);
    this.capacity = Math.max(16, options.initialCapacity ?? 1024);
    this.vectors = new Float32Array(this.capacity * this.dimensions);
    this.levels = new Uint8Array(this.capacity);
    this.layer0Links = new Int32Array(this.capacity * this.maxNeighborsLayer0);
    this.layer0Counts = new Uint8Array(this.capacity);
    this.deleted = new Uint8Array(this.capacity);
    this.visited = new Uint32Array(this.capacity);
    this.query = new Float32Array(this.dimensions);
  }

  /** Live (not removed) nodes. */
  get size(): number {
    return this.liveCount;
  }

  /** Adds a vector (normalized on the way in) and returns its node number. */
  add(vector: Float32Array): number {
    if (vector.length !== this.dimensions) {
      throw new RangeError(`Expected a vector of ${this.dimensions} dimensions, got ${vector.length}.`);
    }
    const reusable = this.takeFreeSlot();
    const node = reusable ?? this.allocate();
    const level = reusable === undefined ? this.randomLevel() : this.levels[node]!;
    if (reusable !== undefined) this.unlink(node);
    writeNormalized(vector, this.vectors, node * this.dimensions, this.dimensions);
    this.levels[node] = level;
    this.deleted[node] = 0;
    this.liveCount++;
    if (reusable === undefined && level > 0) {
      this.upperLinks[node] = new Int32Array(level * this.maxNeighbors);
      this.upperCounts[node] = new Uint8Array(level);
    }
    this.link(node, level);
    return node;
  }

  /** Marks a node removed; it keeps routing searches until its slot is reused. */
  remove(node: number): void {
    if (node < 0 || node >= this.nodeCount || this.deleted[node] === 1) return;
    this.deleted[node] = 1;
    this.liveCount--;
    this.freeSlots.push(node);
  }

  /** The `k` live nodes most similar to `vector`, best first, with similarity ≥ `minScore`. */
  search(vector: Float32Array, k: number, minScore = -Infinity): HnswMatches {
    const nodes: number[] = [];
    const scores: number[] = [];
    if (this.liveCount === 0 || this.entryPoint < 0) return { nodes, scores };
    writeNormalized(vector, this.query, 0, this.dimensions);
    let current = this.entryPoint;
    let currentScore = dot(this.query, 0, this.vectors, current * this.dimensions, this.dimensions);
    for (let level = this.topLevel; level > 0; level--) {
      [current, currentScore] = this.greedy(this.query, 0, current, currentScore, level);
    }
    this.searchLayer(this.query, 0, current, currentScore, Math.max(this.efSearch, k), 0, true);
    const results = this.results;
    while (results.size > k) results.pop();
    const count = results.size;
    nodes.length = count;
    scores.length = count;
    for (let index = count - 1; index >= 0; index--) {
      scores[index] = results.topScore();
      nodes[index] = results.pop();
    }
    let kept = count;
    while (kept > 0 && scores[kept - 1]! < minScore) kept--;
    nodes.length = kept;
    scores.length = kept;
    return { nodes, scores };
  }

  private takeFreeSlot(): number | undefined {
    const slots = this.freeSlots;
    for (let index = slots.length - 1; index >= 0; index--) {
      const slot = slots[index]!;
      // The entry point's links are what every search starts from; never rewrite them in place.
      if (slot === this.entryPoint) continue;
      slots[index] = slots[slots.length - 1]!;
      slots.pop();
      return slot;
    }
    return undefined;
  }

  private allocate(): number {
    if (this.nodeCount === this.capacity) this.grow();
    return this.nodeCount++;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const vectors = new Float32Array(capacity * this.dimensions);
    vectors.set(this.vectors);
    this.vectors = vectors;
    const links = new Int32Array(capacity * this.maxNeighborsLayer0);
    links.set(this.layer0Links);
    this.layer0Links = links;
    this.levels = growBytes(this.levels, capacity);
    this.layer0Counts = growBytes(this.layer0Counts, capacity);
    this.deleted = growBytes(this.deleted, capacity);
    const visited = new Uint32Array(capacity);
    visited.set(this.visited);
    this.visited = visited;
    this.capacity = capacity;
  }

  private randomLevel(): number {
    const level = Math.floor(-Math.log(1 - this.random()) * this.levelMultiplier);
    return Math.min(level, 15);
  }

  private neighborsOf(node: number, level: number): { links: Int32Array; offset: number; count: number } {
    if (level === 0) {
      return { links: this.layer0Links, offset: node * this.maxNeighborsLayer0, count: this.layer0Counts[node]! };
    }
    return {
      links: this.upperLinks[node]!,
      offset: (level - 1) * this.maxNeighbors,
      count: this.upperCounts[node]![level - 1]!,
    };
  }

  private setNeighbors(node: number, level: number, neighbors: readonly number[]): void {
    if (level === 0) {
      this.layer0Links.set(neighbors, node * this.maxNeighborsLayer0);
      this.layer0Counts[node] = neighbors.length;
    } else {
      this.upperLinks[node]!.set(neighbors, (level - 1) * this.maxNeighbors);
      this.upperCounts[node]![level - 1] = neighbors.length;
    }
  }

  /** Re-links the neighbours of a tombstone among themselves before its slot is reused. */
  private unlink(node: number): void {
    const level = this.levels[node]!;
    for (let layer = 0; layer <= level; layer++) {
      const own = this.neighborsOf(node, layer);
      const former = Array.from(own.links.subarray(own.offset, own.offset + own.count));
      for (const neighbor of former) {
        const theirs = this.neighborsOf(neighbor, layer);
        const list = Array.from(theirs.links.subarray(theirs.offset, theirs.offset + theirs.count));
        const position = list.indexOf(node);
        if (position < 0) continue;
        list.splice(position, 1);
        const pool = new Set(list);
        for (const candidate of former) if (candidate !== neighbor) pool.add(candidate);
        const limit = layer === 0 ? this.maxNeighborsLayer0 : this.maxNeighbors;
        this.setNeighbors(neighbor, layer, this.selectFrom(neighbor, [...pool], limit));
      }
      this.setNeighbors(node, layer, []);
    }
  }

  private link(node: number, level: number): void {
    if (this.entryPoint < 0) {
      this.entryPoint = node;
      this.topLevel = level;
      return;
    }
    const offset = node * this.dimensions;
    let current = this.entryPoint;
    let currentScore = dot(this.vectors, offset, this.vectors, current * this.dimensions, this.dimensions);
    for (let layer = this.topLevel; layer > level; layer--) {
      [current, currentScore] = this.greedy(this.vectors, offset, current, currentScore, layer);
    }
    for (let layer = Math.min(level, this.topLevel); layer >= 0; layer--) {
      this.searchLayer(this.vectors, offset, current, currentScore, this.efConstruction, layer, false);
      const found: number[] = [];
      const foundScores: number[] = [];
      while (this.results.size > 0) {
        foundScores.push(this.results.topScore());
        found.push(this.results.pop());
      }
      found.reverse();
      foundScores.reverse();
      const self = found.indexOf(node);
      if (self >= 0) {
        found.splice(self, 1);
        foundScores.splice(self, 1);
      }
      if (found.length === 0) continue;
      current = found[0]!;
      currentScore = foundScores[0]!;
      const neighbors = this.selectSorted(found, foundScores, this.maxNeighbors);
      this.setNeighbors(node, layer, neighbors);
      const limit = layer === 0 ? this.maxNeighborsLayer0 : this.maxNeighbors;
      for (const neighbor of neighbors) this.addLink(neighbor, node, layer, limit);
    }
    if (level > this.topLevel) {
      this.entryPoint = node;
      this.topLevel = level;
    }
  }

  private addLink(from: number, to: number, layer: number, limit: number): void {
    const { links, offset, count } = this.neighborsOf(from, layer);
    for (let index = 0; index < count; index++) if (links[offset + index] === to) return;
    if (count < limit) {
      links[offset + count] = to;
      if (layer === 0) this.layer0Counts[from] = count + 1;
      else this.upperCounts[from]![layer - 1] = count + 1;
      return;
    }
    // A full list swaps its least similar link for the new one when the new one is closer; running
    // the diversity heuristic here instead costs ~limit² dot products per insertion.
    const dimensions = this.dimensions;
    const base = from * dimensions;
    let worst = -1;
    let worstScore = dot(this.vectors, base, this.vectors, to * dimensions, dimensions);
    for (let index = 0; index < count; index++) {
      const score = dot(this.vectors, base, this.vectors, links[offset + index]! * dimensions, dimensions);
      if (score < worstScore) {
        worstScore = score;
        worst = index;
      }
    }
    if (worst >= 0) links[offset + worst] = to;
  }

  /** Scores `pool` against `node`, then keeps a diverse subset (the paper's heuristic). */
  private selectFrom(node: number, pool: number[], limit: number): number[] {
    const base = node * this.dimensions;
    const scores = pool.map((candidate) => dot(this.vectors, base, this.vectors, candidate * this.dimensions, this.dimensions));
    const order = pool.map((_, index) => index).sort((left, right) => scores[right]! - scores[left]!);
    return this.selectSorted(
      order.map((index) => pool[index]!),
      order.map((index) => scores[index]!),
      limit,
    );
  }

  /**
   * Keeps a candidate only when it is closer to the node than to every neighbour kept so far, so
   * links spread in different directions; fills up with the nearest rejected ones.
   */
  private selectSorted(sorted: readonly number[], scores: readonly number[], limit: number): number[] {
    if (sorted.length <= limit) return [...sorted];
    const kept: number[] = [];
    const rejected: number[] = [];
    const dimensions = this.dimensions;
    for (let index = 0; index < sorted.length && kept.length < limit; index++) {
      const candidate = sorted[index]!;
      const candidateScore = scores[index]!;
      const candidateOffset = candidate * dimensions;
      let isDiverse = true;
      for (const keptNode of kept) {
        if (dot(this.vectors, candidateOffset, this.vectors, keptNode * dimensions, dimensions) > candidateScore) {
          isDiverse = false;
          break;
        }
      }
      if (isDiverse) kept.push(candidate);
      else rejected.push(candidate);
    }
    for (let index = 0; index < rejected.length && kept.length < limit; index++) kept.push(rejected[index]!);
    return kept;
  }

  private greedy(query: Float32Array, queryOffset: number, start: number, startScore: number, layer: number): [number, number] {
    let current = start;
    let currentScore = startScore;
    let hasImproved = true;
    while (hasImproved) {
      hasImproved = false;
      const { links, offset, count } = this.neighborsOf(current, layer);
      for (let index = 0; index < count; index++) {
        const candidate = links[offset + index]!;
        const score = dot(query, queryOffset, this.vectors, candidate * this.dimensions, this.dimensions);
        if (score > currentScore) {
          currentScore = score;
          current = candidate;
          hasImproved = true;
        }
      }
    }
    return [current, currentScore];
  }

  /** Beam search on one layer; leaves up to `ef` best nodes in `this.results` (a min-heap). */
  private searchLayer(
    query: Float32Array,
    queryOffset: number,
    start: number,
    startScore: number,
    ef: number,
    layer: number,
    isLiveOnly: boolean,
  ): void {
    const candidates = this.candidates;
    const results = this.results;
    candidates.clear();
    results.clear();
    const mark = this.nextVisitMark();
    const visited = this.visited;
    const deleted = this.deleted;
    const vectors = this.vectors;
    const dimensions = this.dimensions;
    visited[start] = mark;
    candidates.push(start, startScore);
    if (!isLiveOnly || deleted[start] === 0) results.push(start, startScore);
    while (candidates.size > 0) {
      const candidateScore = candidates.topScore();
      if (results.size >= ef && candidateScore < results.topScore()) break;
      const candidate = candidates.pop();
      const { links, offset, count } = this.neighborsOf(candidate, layer);
      for (let index = 0; index < count; index++) {
        const neighbor = links[offset + index]!;
        if (visited[neighbor] === mark) continue;
        visited[neighbor] = mark;
        const score = dot(query, queryOffset, vectors, neighbor * dimensions, dimensions);
        if (results.size < ef || score > results.topScore()) {
          candidates.push(neighbor, score);
          if (!isLiveOnly || deleted[neighbor] === 0) {
            results.push(neighbor, score);
            if (results.size > ef) results.pop();
          }
        }
      }
    }
  }

  private nextVisitMark(): number {
    this.visitMark++;
    if (this.visitMark === 0xffffffff) {
      this.visited.fill(0);
      this.visitMark = 1;
    }
    return this.visitMark;
  }
}

function writeNormalized(source: Float32Array, target: Float32Array, offset: number, dimensions: number): void {
  let norm = 0;
  for (let index = 0; index < dimensions; index++) norm += source[index]! * source[index]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < dimensions; index++) target[offset + index] = source[index]! * scale;
}

function growBytes(bytes: Uint8Array, capacity: number): Uint8Array {
  const grown = new Uint8Array(capacity);
  grown.set(bytes);
  return grown;
}
