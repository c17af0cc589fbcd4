//! `[hmc]`: the HMC baseline, which also drives the training refresh.

use serde::Deserialize;

use crate::error::{InputError, bad_input};

/// The HMC integrator.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntegratorKind {
    /// Omelyan 2MN.
    #[default]
    Omelyan,
    /// Leapfrog.
    Leapfrog,
}

/// `[hmc]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HmcCard {
    /// Measured trajectories.
    pub trajectories: usize,
    /// Trajectories discarded first.
    pub thermalise: usize,
    /// Step size ε.
    pub step: f64,
    /// Steps per trajectory.
    pub steps: usize,
    /// Integrator.
    pub integrator: IntegratorKind,
}

impl Default for HmcCard {
    fn default() -> Self {
        Self {
            trajectories: 2000,
            thermalise: 200,
            step: 0.1,
            steps: 10,
            integrator: IntegratorKind::Omelyan,
        }
    }
}

impl HmcCard {
    /// Enough trajectories for errors; the integrator's settings are the core's to check.
    pub(super) fn check(&self) -> Result<(), InputError> {
        if self.trajectories < 2 {
            bad_input!(
                "hmc.trajectories: need at least 2, got {}",
                self.trajectories
            );
        }
        Ok(())
    }
}
