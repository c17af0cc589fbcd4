//! The schedule every baseline Markov chain runs: from φ = 0, discarded thermalisation updates,
//! then measured ones, each phase on its own seed, so that the measured phase is reproducible
//! whatever the thermalisation length and any sampler (HMC, Wolff) fits in.

use rand::RngExt;

use crate::Ranks;
use crate::Result;
use crate::rng::stream_rng;

/// A baseline chain's schedule.
#[derive(Clone, Copy, Debug)]
pub struct ChainSchedule {
    /// Discarded updates.
    pub thermalise: usize,
    /// Seed of the discarded updates.
    pub thermalise_seed: u64,
    /// Measured updates.
    pub updates: usize,
    /// Seed of the measured updates.
    pub seed: u64,
}

impl ChainSchedule {
    /// This rank's replica when every rank runs its own chain: the same thermalisation, its
    /// share of the measured updates ([`Ranks::share`]) and seeds of its own. Rank 0 keeps this
    /// schedule's seeds, so with one rank the replica is this schedule.
    pub fn replica(&self, ranks: Ranks) -> Self {
        let r = ranks.rank() as u64;
        let own = |seed: u64| {
            if r == 0 {
                seed
            } else {
                stream_rng(seed, r).random()
            }
        };
        Self {
            thermalise: self.thermalise,
            thermalise_seed: own(self.thermalise_seed),
            updates: ranks.share(self.updates).len(),
            seed: own(self.seed),
        }
    }

    /// Runs the schedule on a field of `volume` sites starting at zero:
    /// `update(n, seed, φ, after_each)` runs `n` updates of the sampler on `φ` from stream
    /// offset `seed`, calling `after_each(φ)` after each; `observe(measured, φ)` then sees
    /// every configuration, `measured` false during thermalisation. Returns what the measured
    /// phase's `update` returned (its acceptance report).
    pub fn run<R>(
        &self,
        volume: usize,
        mut update: impl FnMut(usize, u64, &mut [f64], &mut dyn FnMut(&[f64])) -> Result<R>,
        mut observe: impl FnMut(bool, &[f64]),
    ) -> Result<R> {
        let mut phi = vec![0.0; volume];
        if self.thermalise > 0 {
            update(self.thermalise, self.thermalise_seed, &mut phi, &mut |c| {
                observe(false, c)
            })?;
        }
        update(self.updates, self.seed, &mut phi, &mut |c| observe(true, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Replicas share the measured updates and draw from seeds of their own; one replica is
    /// the schedule itself.
    #[test]
    fn replicas_split_the_updates_on_seeds_of_their_own() {
        let schedule = ChainSchedule {
            thermalise: 10,
            thermalise_seed: 7,
            updates: 11,
            seed: 9,
        };
        let one = schedule.replica(Ranks::of(0, 1));
        assert_eq!(
            (one.thermalise, one.thermalise_seed, one.updates, one.seed),
            (10, 7, 11, 9)
        );
        let three: Vec<ChainSchedule> = (0..3).map(|r| schedule.replica(Ranks::of(r, 3))).collect();
        assert_eq!(
            three.iter().map(|s| s.updates).collect::<Vec<_>>(),
            [4, 4, 3]
        );
        assert!(three.iter().all(|s| s.thermalise == 10));
        let mut seeds: Vec<u64> = three
            .iter()
            .flat_map(|s| [s.seed, s.thermalise_seed])
            .collect();
        assert_eq!(&seeds[..2], &[9, 7]);
        seeds.sort_unstable();
        seeds.dedup();
        assert_eq!(seeds.len(), 6, "every replica on seeds of its own");
    }

    /// The phases run in order on their own seeds and continue the same field; only the
    /// measured phase is reported as measured.
    #[test]
    fn thermalisation_then_measurement_on_their_seeds() {
        let schedule = ChainSchedule {
            thermalise: 3,
            thermalise_seed: 7,
            updates: 2,
            seed: 9,
        };
        let mut calls = Vec::new();
        let mut seen = Vec::new();
        let last = schedule
            .run(
                1,
                |n, seed, phi, after_each| {
                    calls.push((n, seed));
                    for _ in 0..n {
                        phi[0] += 1.0;
                        after_each(phi);
                    }
                    Ok(phi[0])
                },
                |measured, c| seen.push((measured, c[0])),
            )
            .unwrap();
        assert_eq!(calls, [(3, 7), (2, 9)]);
        assert_eq!(last, 5.0);
        assert_eq!(
            seen,
            [
                (false, 1.0),
                (false, 2.0),
                (false, 3.0),
                (true, 4.0),
                (true, 5.0)
            ]
        );
    }
}
