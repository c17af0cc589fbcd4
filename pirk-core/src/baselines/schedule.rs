//! The schedule every baseline Markov chain runs: from φ = 0, discarded thermalisation updates,
//! then measured ones, each phase on its own seed, so that the measured phase is reproducible
//! whatever the thermalisation length and any sampler (HMC, Wolff) fits in.

use crate::Result;

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
