import { HnswLinks } from './hnsw-links.js';
import { ScoredHeap } from './scored-heap.js';
import { VectorArena } from './vector-arena.js';
import { InvalidArgumentError } from '../errors/errors.js';

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
  /** Whether to compute dot products with the WebAssembly SIMD kernels when the runtime has them. @default true */
  readonly shouldUseSimd?: boolean;
};

/** Nearest nodes by cosine similarity, best first. */
export type HnswMatches = { readonly nodes: number[]; readonly scores: number[] };

/**
 * A hierarchical navigable small world graph (Malkov & Yashunin, 2016) over unit vectors, in
 * TypeScript on typed arrays. The graph is walked on int8-quantized vectors (a quarter of the
 * memory traffic) and the final candidates are re-ranked on the float vectors, so returned scores
 * are exact cosines. Removal leaves a tombstone that still routes searches; the next insertion
 * reuses the slot after re-linking the tombstone's neighbours, so memory stays bounded by the peak
 * number of live entries.
 */
export class HnswIndex {
  readonly dimensions: number;
  private readonly maxNeighbors: number;
  private readonly efConstruction: number;
  private readonly efSearch: number;
  private readonly random: () => number;
  private readonly levelMultiplier: number;
  private readonly arena: VectorArena;
  private capacity: number;
  private levels: Uint8Array;
  private readonly links: HnswLinks;
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
  /** Score of the node the last `greedy` call returned. */
  private greedyScore = 0;

  constructor(options: HnswIndexOptions) {
    this.dimensions = options.dimensions;
    this.maxNeighbors = options.maxNeighbors ?? 16;
    if (!Number.isInteger(this.maxNeighbors) || this.maxNeighbors < 2 || this.maxNeighbors > 127) {
      throw new InvalidArgumentError('maxNeighbors', `Expected \`maxNeighbors\` to be an integer from 2 to 127, got ${this.maxNeighbors}.`);
    }
    this.efConstruction = options.efConstruction ?? 48;
    this.efSearch = options.efSearch ?? 64;
    this.random = options.random ?? Math.random;
    this.levelMultiplier = 1 / Math.log(this.maxNeighbors);
    this.capacity = Math.max(16, options.initialCapacity ?? 1024);
    this.arena = new VectorArena({
      dimensions: this.dimensions,
      initialCapacity: this.capacity,
      ...(options.shouldUseSimd === undefined ? {} : { shouldUseSimd: options.shouldUseSimd }),
    });
    this.levels = new Uint8Array(this.capacity);
    this.links = new HnswLinks(this.maxNeighbors, this.capacity);
    this.deleted = new Uint8Array(this.capacity);
    this.visited = new Uint32Array(this.capacity);
  }

  /** Live (not removed) nodes. */
  get size(): number {
    return this.liveCount;
  }

  /** Whether dot products run in WebAssembly SIMD (true) or plain JS. */
  get isSimd(): boolean {
    return this.arena.isSimd;
  }

  /** Adds a vector (normalized on the way in) and returns its node number. */
  add(vector: Float32Array): number {
    if (vector.length !== this.dimensions) {
      throw new InvalidArgumentError('vector', `Expected a vector of ${this.dimensions} dimensions, got ${vector.length}.`);
    }
    const reusable = this.takeFreeSlot();
    const node = reusable ?? this.allocate();
    const level = reusable === undefined ? this.randomLevel() : this.levels[node]!;
    if (reusable !== undefined) this.unlink(node);
    this.arena.setNode(node, vector);
    this.levels[node] = level;
    this.deleted[node] = 0;
    this.liveCount++;
    if (reusable === undefined) this.links.allocateUpper(node, level);
    this.link(node, vector, level);
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
    const arena = this.arena;
    arena.setQuery(vector);
    let current = this.entryPoint;
    let currentScore = arena.approximateToQuery(current);
    for (let level = this.topLevel; level > 0; level--) {
      current = this.greedy(current, currentScore, level);
      currentScore = this.greedyScore;
    }
    this.searchLayer(current, currentScore, Math.max(this.efSearch, k), 0, true);
    // Re-rank the whole beam on the float vectors: int8 scores can swap two near ties.
    const results = this.results;
    const candidates = this.candidates;
    candidates.clear();
    while (results.size > 0) {
      const node = results.pop();
      candidates.push(node, arena.exactToQuery(node));
    }
    while (candidates.size > 0 && nodes.length < k) {
      const score = candidates.topScore();
      if (score < minScore) break;
      scores.push(score);
      nodes.push(candidates.pop());
    }
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
    this.arena.ensureCapacity(capacity);
    this.links.grow(capacity);
    this.levels = growTyped(this.levels, new Uint8Array(capacity));
    this.deleted = growTyped(this.deleted, new Uint8Array(capacity));
    this.visited = growTyped(this.visited, new Uint32Array(capacity));
    this.capacity = capacity;
  }

  private randomLevel(): number {
    const level = Math.floor(-Math.log(1 - this.random()) * this.levelMultiplier);
    return Math.min(level, 15);
  }

  /** Re-links the neighbours of a tombstone among themselves before its slot is reused. */
  private unlink(node: number): void {
    const level = this.levels[node]!;
    for (let layer = 0; layer <= level; layer++) {
      const former = this.links.neighbors(node, layer);
      for (const neighbor of former) {
        const list = this.links.neighbors(neighbor, layer);
        const position = list.indexOf(node);
        if (position < 0) continue;
        list.splice(position, 1);
        const pool = new Set(list);
        for (const candidate of former) if (candidate !== neighbor) pool.add(candidate);
        const sorted = [...pool]
          .map((candidate) => ({ candidate, score: this.arena.approximateBetween(neighbor, candidate) }))
          .sort((left, right) => right.score - left.score);
        const kept = this.selectSorted(sorted.map((entry) => entry.candidate), sorted.map((entry) => entry.score), this.links.limitOf(layer));
        this.links.set(neighbor, layer, kept.nodes, kept.scores);
      }
      this.links.set(node, layer, [], []);
    }
  }

  private link(node: number, vector: Float32Array, level: number): void {
    if (this.entryPoint < 0) {
      this.entryPoint = node;
      this.topLevel = level;
      return;
    }
    const arena = this.arena;
    arena.setQuery(vector);
    let current = this.entryPoint;
    let currentScore = arena.approximateToQuery(current);
    for (let layer = this.topLevel; layer > level; layer--) {
      current = this.greedy(current, currentScore, layer);
      currentScore = this.greedyScore;
    }
    const found: number[] = [];
    const foundScores: number[] = [];
    for (let layer = Math.min(level, this.topLevel); layer >= 0; layer--) {
      this.searchLayer(current, currentScore, this.efConstruction, layer, false);
      found.length = 0;
      foundScores.length = 0;
      while (this.results.size > 0) {
        const score = this.results.topScore();
        const candidate = this.results.pop();
        if (candidate === node) continue;
        foundScores.push(score);
        found.push(candidate);
      }
      if (found.length === 0) continue;
      found.reverse();
      foundScores.reverse();
      current = found[0]!;
      currentScore = foundScores[0]!;
      const neighbors = this.selectSorted(found, foundScores, this.maxNeighbors);
      this.links.set(node, layer, neighbors.nodes, neighbors.scores);
      for (let index = 0; index < neighbors.nodes.length; index++) {
        this.links.add(neighbors.nodes[index]!, node, neighbors.scores[index]!, layer);
      }
    }
    if (level > this.topLevel) {
      this.entryPoint = node;
      this.topLevel = level;
    }
  }

  /**
   * Keeps a candidate only when it is closer to the node than to every neighbour kept so far, so
   * links spread in different directions; fills up with the nearest rejected ones.
   */
  private selectSorted(sorted: readonly number[], scores: readonly number[], limit: number): { nodes: number[]; scores: number[] } {
    if (sorted.length <= limit) return { nodes: [...sorted], scores: [...scores] };
    const kept: number[] = [];
    const keptScores: number[] = [];
    const rejected: number[] = [];
    for (let index = 0; index < sorted.length && kept.length < limit; index++) {
      const candidate = sorted[index]!;
      const candidateScore = scores[index]!;
      let isDiverse = true;
      for (const keptNode of kept) {
        if (this.arena.approximateBetween(candidate, keptNode) > candidateScore) {
          isDiverse = false;
          break;
        }
      }
      if (isDiverse) {
        kept.push(candidate);
        keptScores.push(candidateScore);
      } else {
        rejected.push(index);
      }
    }
    for (let index = 0; index < rejected.length && kept.length < limit; index++) {
      kept.push(sorted[rejected[index]!]!);
      keptScores.push(scores[rejected[index]!]!);
    }
    return { nodes: kept, scores: keptScores };
  }

  /** Hill-climbs one upper layer towards the query; returns the node and leaves its score in `greedyScore`. */
  private greedy(start: number, startScore: number, layer: number): number {
    const arena = this.arena;
    let current = start;
    let currentScore = startScore;
    let hasImproved = true;
    while (hasImproved) {
      hasImproved = false;
      const links = this.links.linksOf(current, layer);
      const offset = this.links.offsetOf(current, layer);
      const count = this.links.countOf(current, layer);
      const ids = arena.batchIds;
      for (let index = 0; index < count; index++) ids[index] = links[offset + index]!;
      arena.scoreBatch(count);
      const scores = arena.batchScores;
      for (let index = 0; index < count; index++) {
        if (scores[index]! > currentScore) {
          currentScore = scores[index]!;
          current = ids[index]!;
          hasImproved = true;
        }
      }
    }
    this.greedyScore = currentScore;
    return current;
  }

  /** Beam search for the query on one layer; leaves up to `ef` best nodes in `this.results` (a min-heap). */
  private searchLayer(start: number, startScore: number, ef: number, layer: number, isLiveOnly: boolean): void {
    const candidates = this.candidates;
    const results = this.results;
    candidates.clear();
    results.clear();
    const mark = this.nextVisitMark();
    const visited = this.visited;
    const deleted = this.deleted;
    const arena = this.arena;
    // Layer 0 is where a search spends its time: read its flat arrays directly.
    const graph = this.links;
    const { links: layer0Links, counts: layer0Counts, stride: layer0Stride } = graph.layer0;
    visited[start] = mark;
    candidates.push(start, startScore);
    if (!isLiveOnly || deleted[start] === 0) results.push(start, startScore);
    while (candidates.size > 0) {
      const candidateScore = candidates.topScore();
      if (results.size >= ef && candidateScore < results.topScore()) break;
      const candidate = candidates.pop();
      const links = layer === 0 ? layer0Links : graph.linksOf(candidate, layer);
      const offset = layer === 0 ? candidate * layer0Stride : graph.offsetOf(candidate, layer);
      const end = offset + (layer === 0 ? layer0Counts[candidate]! : graph.countOf(candidate, layer));
      const ids = arena.batchIds;
      let count = 0;
      for (let index = offset; index < end; index++) {
        const neighbor = links[index]!;
        if (visited[neighbor] === mark) continue;
        visited[neighbor] = mark;
        ids[count++] = neighbor;
      }
      if (count === 0) continue;
      arena.scoreBatch(count);
      const scores = arena.batchScores;
      for (let index = 0; index < count; index++) {
        const neighbor = ids[index]!;
        const score = scores[index]!;
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

function growTyped<T extends Uint8Array | Uint32Array>(source: T, target: T): T {
  target.set(source);
  return target;
}
