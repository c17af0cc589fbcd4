//! Parameter-conditional sampling along the path: each scan point `τ` is generated with the
//! trained flow cut at `τ` and rescaled to unit time: exact samples of `q_τ` with exact
//! `log q_τ`, corrected for the theory at `θ(τ)`. One training serves every point (one
//! generation pass per point; `Generator::generate_observed` could serve all points at once).

use pirk::{Flow, Path, Theory};

use crate::setup::Setup;

/// `flow` restricted to `[0, τ]` and reparametrised by `s = t/τ` (so `dφ/ds = τ φ̇`).
pub fn truncate<T: Theory>(setup: &Setup<T>, flow: &Flow, tau: f64) -> pirk::Result<Flow> {
    let keep = flow.grid.iter().take_while(|&&g| g < tau).count().max(1);
    let mut end = vec![0.0; flow.coeffs[0].len()];
    flow.coefficients(tau, &mut end);
    let next = keep.min(flow.grid.len() - 1);
    let scaled = |c: &[f64]| c.iter().map(|k| tau * k).collect::<Vec<_>>();
    let mut out = flow.clone();
    out.grid = flow.grid[..keep]
        .iter()
        .map(|g| g / tau)
        .chain([1.0])
        .collect();
    out.coeffs = flow.coeffs[..keep]
        .iter()
        .map(|c| scaled(c))
        .chain([scaled(&end)])
        .collect();
    out.residuals = flow.residuals[..keep]
        .iter()
        .copied()
        .chain([flow.residuals[next]])
        .collect();
    out.conditions = flow.conditions[..keep]
        .iter()
        .copied()
        .chain([flow.conditions[next]])
        .collect();
    out.max_speed = tau * flow.max_speed;
    out.path = restricted_path(&setup.waypoints, tau)?;
    Ok(out)
}

/// The path through equally spaced `waypoints`, restricted to `[0, τ]` and rescaled to `[0, 1]`.
fn restricted_path(waypoints: &[Vec<f64>], tau: f64) -> pirk::Result<Path> {
    let full = Path::piecewise(waypoints.to_vec())?;
    let m = (waypoints.len() - 1) as f64;
    let inner = (1..waypoints.len() - 1).filter(|&i| (i as f64 / m) < tau);
    let mut theta_end = vec![0.0; full.len()];
    full.theta(tau, &mut theta_end);
    let mut points = vec![waypoints[0].clone()];
    let mut knots = vec![0.0];
    for i in inner {
        points.push(waypoints[i].clone());
        knots.push(i as f64 / m / tau);
    }
    points.push(theta_end);
    knots.push(1.0);
    Path::piecewise(points)?.with_knots(knots)
}
