// The end-to-end tests start real node processes that are CPU-hungry (block production, signature checks, the
// devnet load); on a small machine running them side by side only makes each slower and their timeouts flaky.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
