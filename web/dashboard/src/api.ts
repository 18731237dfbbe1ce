// Typed access to the node's HTTP API. The models mirror src/Pocc.Client/Models/ApiModels.cs with snake_case
// property names, as on the wire. Token amounts are decimal strings (they can exceed 2^53); heights, ids and
// compute units are numbers, which stay exact far beyond what a chain reaches.

export interface SupplyModel { genesis: string; minted: string; burned: string; total: string }

export interface StatusModel {
  chain_id: string;
  genesis_hash: string;
  height: number;
  head_hash: string;
  state_root: string;
  latest_block_time_ms: number | null;
  engine: string;
  validator: string | null;
  producing: boolean;
  validators: number;
  block_interval_ms: number;
  mempool_size: number;
  mempool_bytes: number;
  peers: number;
  tx_per_second: number;
  blocks_finalized: number;
  transactions_finalized: number;
  finality_ms_p50: number | null;
  finality_ms_p99: number | null;
  supply: SupplyModel;
  supply_conserved: boolean;
  version: string;
}

export interface UnbondingModel { amount: string; release_height: number }

export interface SparseProofModel { key: string; siblings: string[]; leaf_key: string | null; leaf_value_hash: string | null }

export interface AccountModel {
  address: string;
  balance: string;
  nonce: number;
  bonded: string;
  unbonding: UnbondingModel[];
  height: number;
  state_root: string;
  value_hash: string;
  proof: SparseProofModel;
}

export interface TransactionModel {
  hash: string;
  kind: string;
  chain_id: string;
  sender: string;
  public_key: string;
  nonce: number;
  fee: string;
  to: string | null;
  amount: string | null;
  signature: string;
  encoded: string;
}

export interface HeaderModel {
  chain_id: string;
  height: number;
  timestamp_ms: number;
  previous_hash: string;
  last_commit_hash: string;
  transactions_root: string;
  transaction_count: number;
  state_root: string;
  proposer: string;
}

export interface CommitSignatureModel { validator: string; signature: string }

export interface CommitModel { height: number; round: number; block_hash: string; signatures: CommitSignatureModel[] }

export interface BlockModel {
  hash: string;
  header: HeaderModel;
  commit: CommitModel | null;
  transaction_hashes: string[];
  transactions: TransactionModel[] | null;
}

export interface MerkleProofModel { leaf_index: number; leaf_count: number; siblings: string[] }

export interface TransactionLookupModel {
  hash: string;
  status: string;
  height: number | null;
  index: number | null;
  block_hash: string | null;
  transactions_root: string | null;
  proof: MerkleProofModel | null;
  transaction: TransactionModel | null;
}

export const TASK_STATES = ['posted', 'assigned', 'committed', 'verified', 'settled', 'rejected', 'expired'] as const;

export interface TaskEventModel { id: number; state: string; outcome: string; worker: string | null }

export interface BlockEventModel {
  height: number;
  hash: string;
  timestamp_ms: number;
  transaction_count: number;
  state_root: string;
  proposer: string;
  finality_ms_p50: number | null;
  tasks: TaskEventModel[];
}

export interface BlobRefModel { root: string; size: number }

export interface TaskModel {
  id: number;
  requester: string;
  kind: string;
  /** How validators check the result: "freivalds" (a product) or "stark" (a proof in the result blob). */
  policy: string;
  /** For a STARK task, the step count. */
  rows: number;
  inner: number;
  columns: number;
  input_a: BlobRefModel;
  input_b: BlobRefModel;
  tolerance_ppb: number;
  rounds: number;
  redundancy: number;
  deadline_blocks: number;
  fee: string;
  state: string;
  outcome: string;
  posted_height: number;
  worker: string | null;
  assigned_height: number;
  attempts: number;
  result: BlobRefModel | null;
  commit_height: number;
  closed_height: number;
  soundness_bits: number;
  compute_units: number;
  challenge_seed: string | null;
}

export interface TaskListModel { tasks: TaskModel[]; next_before: number | null }

export interface WorkerModel {
  address: string;
  stake: string;
  capabilities: string[];
  reputation: number;
  active_tasks: number;
  verified_compute_units: number;
  tasks_settled: number;
  tasks_rejected: number;
  deadlines_missed: number;
  earned: string;
  slashed: string;
  registered_height: number;
}

export interface WorkerListModel { workers: WorkerModel[]; next_after: string | null }

export interface BlockSummaryModel {
  height: number;
  hash: string;
  timestamp_ms: number;
  transaction_count: number;
  proposer: string;
  state_root: string;
  commit_signatures: number;
}

export interface BlockListModel { blocks: BlockSummaryModel[]; next_before: number | null }

export interface ValidatorModel {
  address: string;
  public_key: string;
  bonded: string;
  voting_power: number;
  voting_share: number;
  proposals: number;
  missed_votes: number;
}

export interface ValidatorListModel { from_height: number; to_height: number; total_voting_power: number; validators: ValidatorModel[] }

export interface HistorySampleModel {
  height: number;
  timestamp_ms: number;
  transaction_count: number;
  finality_ms: number | null;
  verified_compute_units: number;
  tasks_settled: number;
  tasks_rejected: number;
  useful_work_fraction: number | null;
  useful_work_fraction_with_duplicate_execution: number | null;
}

export interface HistoryModel { samples: HistorySampleModel[] }

export interface TaskCountsModel {
  posted: number;
  assigned: number;
  committed: number;
  verified: number;
  settled: number;
  rejected: number;
  expired: number;
}

export interface MarketModel {
  tasks: TaskCountsModel;
  verified_gflop: number;
  rewards_paid: string;
  slashed: string;
  verification_seconds: number;
  compute_seconds: number | null;
  process_cpu_seconds: number;
  useful_work_fraction: number | null;
  useful_work_fraction_with_duplicate_execution: number | null;
  verify_to_compute_ratio: number | null;
  invalid_results_committed: number | null;
  invalid_results_caught: number | null;
  invalid_results_settled: number | null;
  honest_results_rejected: number | null;
}

export interface LoadModel { start_height: number; running_seconds: number; accounts: number; target_rate: number; submitted: number; refused_at_admission: number; rejected_at_proposal: number }

export interface NodeInfoModel {
  version: string;
  cores: number;
  home: string;
  validator: boolean;
  in_process_workers: number;
  matmul_executor: string | null;
  dashboard_url: string;
  load: LoadModel | null;
}

/** The node answered with a problem+json (or another non-2xx) response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail || title}`);
  }

  /** The route itself does not exist on this node (an endpoint not deployed yet), as opposed to an unknown id. */
  get endpointMissing(): boolean {
    return this.status === 404 && (this.code === 'http.not_found' || this.code === '');
  }

  /** An id the node does not know, or one it cannot parse: both mean "no such thing" to a reader. */
  get notFound(): boolean {
    return (this.status === 404 && !this.endpointMissing) || this.status === 400;
  }
}

/** The node could not be reached (down, restarting, or too slow to answer). */
export class NetworkError extends Error {}

type NetworkListener = (reachable: boolean) => void;
let networkListener: NetworkListener = () => {};

/** The connection monitor learns of every request's reachability without each caller reporting it. */
export function onNetwork(listener: NetworkListener): void {
  networkListener = listener;
}

const TIMEOUT_MS = 10_000;

async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(path, {
      headers: { Accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (e) {
    if (signal?.aborted) throw e; // the caller went away: not the node's fault
    networkListener(false);
    throw new NetworkError(`cannot reach the node (${path})`);
  }
  // A proxy in front of a stopped node answers 502-504: that is the node being unreachable too.
  if (response.status >= 502 && response.status <= 504) {
    networkListener(false);
    throw new NetworkError(`the node is unavailable (${response.status})`);
  }
  networkListener(true);
  if (!response.ok) {
    let problem: { code?: unknown; title?: unknown; detail?: unknown } = {};
    try {
      problem = (await response.json()) as typeof problem;
    } catch {
      // not problem+json; the status alone has to do
    }
    const text = (v: unknown): string => (typeof v === 'string' ? v : '');
    throw new ApiError(response.status, text(problem.code), text(problem.title) || response.statusText, text(problem.detail));
  }
  return (await response.json()) as T;
}

const q = (params: Record<string, string | number | undefined | null>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
};

const seg = encodeURIComponent;

export const api = {
  status: (signal?: AbortSignal) => get<StatusModel>('/v1/status', signal),
  node: (signal?: AbortSignal) => get<NodeInfoModel>('/v1/node', signal),
  market: (signal?: AbortSignal) => get<MarketModel>('/v1/market', signal),
  history: (limit: number, signal?: AbortSignal) => get<HistoryModel>(`/v1/stats/history${q({ limit })}`, signal),
  blocks: (before: number | undefined, limit: number, signal?: AbortSignal) =>
    get<BlockListModel>(`/v1/blocks${q({ before, limit })}`, signal),
  block: (id: string, full: boolean, signal?: AbortSignal) => get<BlockModel>(`/v1/blocks/${seg(id)}${q({ full: full ? 'true' : undefined })}`, signal),
  transaction: (hash: string, signal?: AbortSignal) => get<TransactionLookupModel>(`/v1/transactions/${seg(hash)}`, signal),
  account: (address: string, signal?: AbortSignal) => get<AccountModel>(`/v1/accounts/${seg(address)}`, signal),
  tasks: (filter: { state?: string | undefined; worker?: string | undefined; before?: number | undefined; limit: number }, signal?: AbortSignal) =>
    get<TaskListModel>(`/v1/tasks${q(filter)}`, signal),
  task: (id: string, signal?: AbortSignal) => get<TaskModel>(`/v1/tasks/${seg(id)}`, signal),
  workers: (after: string | undefined, limit: number, signal?: AbortSignal) =>
    get<WorkerListModel>(`/v1/workers${q({ after, limit })}`, signal),
  worker: (address: string, signal?: AbortSignal) => get<WorkerModel>(`/v1/workers/${seg(address)}`, signal),
  validators: (signal?: AbortSignal) => get<ValidatorListModel>('/v1/validators', signal),
};

export const BLOCK_STREAM_URL = '/v1/events/blocks';
