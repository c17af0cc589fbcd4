//! The processes that share one run. Training and generation split their configurations by
//! global index into one contiguous block per rank; every configuration draws from its own
//! random stream, so who computes it does not change it. The blocks are then gathered in rank
//! order, which is index order, so every rank ends up with exactly what one process computes:
//! the same bits at any rank count.
//!
//! Without the `mpi` feature, or before [`start_mpi`], there is one rank and every collective
//! returns its input.

use std::ops::Range;
use std::sync::OnceLock;

/// This process's place among the ranks of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranks {
    rank: usize,
    size: usize,
}

static WORLD: OnceLock<Ranks> = OnceLock::new();

/// The ranks of this run: one, unless MPI was started.
pub fn ranks() -> Ranks {
    WORLD.get().copied().unwrap_or(Ranks { rank: 0, size: 1 })
}

impl Ranks {
    /// Rank `rank` of `size`, for tests of what each rank does.
    #[cfg(test)]
    pub(crate) fn of(rank: usize, size: usize) -> Self {
        assert!(rank < size);
        Self { rank, size }
    }

    /// This process's rank, `0..size`.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// The number of ranks.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Rank 0: the one that reads and writes files and prints.
    pub fn is_root(&self) -> bool {
        self.rank == 0
    }

    /// The global indices this rank owns out of `n`: contiguous blocks in rank order, the
    /// first `n % size` ranks one longer.
    pub fn share(&self, n: usize) -> Range<usize> {
        let (base, extra) = (n / self.size, n % self.size);
        let start = self.rank * base + self.rank.min(extra);
        start..start + base + usize::from(self.rank < extra)
    }

    /// Every rank's `local` concatenated in rank order, on every rank.
    pub fn all_gather(&self, local: Vec<f64>) -> Vec<f64> {
        #[cfg(feature = "mpi")]
        if self.size > 1 {
            return backend::all_gather(&local);
        }
        local
    }

    /// The largest `x` over the ranks (ignoring NaN, as `f64::max` does), on every rank.
    pub fn max(&self, x: f64) -> f64 {
        self.all_gather(vec![x]).into_iter().fold(x, f64::max)
    }

    /// Rank 0's `bytes` on every rank (the others' are ignored).
    pub fn broadcast(&self, bytes: Vec<u8>) -> Vec<u8> {
        #[cfg(feature = "mpi")]
        if self.size > 1 {
            return backend::broadcast(bytes);
        }
        bytes
    }

    /// Rank 0's `values` on every rank: where ranks on different CPUs could round a solve
    /// differently, every rank goes on with rank 0's result.
    pub fn broadcast_values(&self, values: Vec<f64>) -> Vec<f64> {
        if self.size == 1 {
            return values;
        }
        let bytes = values.iter().flat_map(|x| x.to_le_bytes()).collect();
        (self.broadcast(bytes).chunks_exact(8))
            .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect()
    }

    /// Ends every rank of the run at once with exit code `code`: what a failure that only this
    /// rank sees must do, since the others would wait for it forever.
    pub fn abort(&self, code: i32) -> ! {
        #[cfg(feature = "mpi")]
        if self.size > 1 {
            backend::abort(code)
        }
        std::process::exit(code)
    }
}

/// An MPI session: keep it alive for as long as the run, MPI is finalised when it drops.
#[cfg(feature = "mpi")]
pub struct MpiSession {
    _universe: Option<mpi::environment::Universe>,
}

/// Starts MPI (or joins it, if the process already did) and makes [`ranks`] this process's
/// place in `MPI_COMM_WORLD`. Collectives are issued by one thread at a time (the one running
/// the job), which MPI's `Serialized` threading level allows.
#[cfg(feature = "mpi")]
pub fn start_mpi() -> MpiSession {
    use mpi::traits::Communicator;
    let universe = mpi::initialize_with_threading(mpi::Threading::Serialized).map(|(u, _)| u);
    let world = mpi::topology::SimpleCommunicator::world();
    let _ = WORLD.set(Ranks {
        rank: world.rank() as usize,
        size: world.size() as usize,
    });
    MpiSession {
        _universe: universe,
    }
}

#[cfg(feature = "mpi")]
mod backend {
    use mpi::Count;
    use mpi::datatype::PartitionMut;
    use mpi::topology::SimpleCommunicator;
    use mpi::traits::{Communicator, CommunicatorCollectives, Root};

    pub fn all_gather(local: &[f64]) -> Vec<f64> {
        let world = SimpleCommunicator::world();
        let mut counts = vec![0 as Count; world.size() as usize];
        let count = Count::try_from(local.len()).expect("a rank's block fits an MPI count");
        world.all_gather_into(&count, &mut counts[..]);
        let displs: Vec<Count> = counts
            .iter()
            .scan(0, |at, &c| {
                let d = *at;
                *at += c;
                Some(d)
            })
            .collect();
        let total: usize = counts.iter().map(|&c| c as usize).sum();
        let mut all = vec![0.0; total];
        let mut partition = PartitionMut::new(&mut all[..], counts, &displs[..]);
        world.all_gather_varcount_into(local, &mut partition);
        all
    }

    pub fn broadcast(mut bytes: Vec<u8>) -> Vec<u8> {
        let world = SimpleCommunicator::world();
        let root = world.process_at_rank(0);
        let mut len = bytes.len() as u64;
        root.broadcast_into(&mut len);
        bytes.resize(len as usize, 0);
        root.broadcast_into(&mut bytes[..]);
        bytes
    }

    pub fn abort(code: i32) -> ! {
        SimpleCommunicator::world().abort(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_tile_the_indices_in_rank_order() {
        for size in 1..6 {
            for n in 0..20 {
                let mut next = 0;
                for rank in 0..size {
                    let share = Ranks { rank, size }.share(n);
                    assert_eq!(share.start, next, "size {size}, n {n}, rank {rank}");
                    assert!(share.len() == n / size || share.len() == n / size + 1);
                    next = share.end;
                }
                assert_eq!(next, n);
            }
        }
    }

    #[test]
    fn one_rank_collectives_return_their_input() {
        let one = ranks();
        assert_eq!((one.rank(), one.size(), one.is_root()), (0, 1, true));
        assert_eq!(one.share(7), 0..7);
        assert_eq!(one.all_gather(vec![1.0, 2.0]), vec![1.0, 2.0]);
        assert_eq!(one.max(3.5), 3.5);
        assert_eq!(one.broadcast(b"card".to_vec()), b"card".to_vec());
        assert_eq!(one.broadcast_values(vec![0.5, -1.0]), vec![0.5, -1.0]);
    }
}
