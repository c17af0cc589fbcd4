//! The batched (lane-group) methods of generated theories against their scalar methods: every
//! lane bit for bit, on odd lattices, 1-d and 0-d, at every instruction-set level this machine
//! runs, for every test theory and the built-in theories of the command line; and generation
//! and training through lane groups against one configuration at a time.

mod theories;

use pirk::lanes::{LANES, gather, scatter};
use pirk::vmath::Level;
use pirk::{Lattice, Theory};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use theories::{
    hopping::Phi4Hopping, hopping_critical::HoppingCritical, hopping_neighbours::HoppingNeighbours,
    hopping_tanh::HoppingTanh, phi4::Phi4, sine_gordon::SineGordon, zero_dim::ZeroDimPhi4,
};

/// Odd and non-square lattices; 9 × 15 leaves a partial block of the vector calls.
const LATTICES: [&[usize]; 6] = [&[5, 4], &[3, 4, 5], &[7], &[], &[4, 3], &[9, 15]];

/// The bits of a slice, for exact comparisons with readable failures.
fn bits(x: &[f64]) -> Vec<u64> {
    x.iter().map(|v| v.to_bits()).collect()
}

/// A lane group of fields of different sizes (some large enough to saturate `tanh` and
/// underflow `exp`), so that a lane mix-up or a value shared between lanes would show.
fn lane_group(rng: &mut StdRng, v: usize) -> Vec<f64> {
    let mut group = vec![0.0; v * LANES];
    let mut one = vec![0.0; v];
    for l in 0..LANES {
        let scale = [0.1, 1.0, 3.0, 30.0][l % 4];
        one.iter_mut()
            .for_each(|p| *p = scale * rng.random_range(-1.5..1.5));
        scatter(&one, l, &mut group);
    }
    group
}

/// `velocity_lanes`, `force_lanes` and `wegner_row_lanes` at `level` equal `velocity`,
/// `force` and `wegner_row` of each lane, bits included.
fn lanes_match<T: Theory>(theory: T, level: Level, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let (nk, np) = (T::KERNELS.len(), T::PARAMS.len());
    for dims in theories::lattices::<T>(&LATTICES) {
        let lat = Lattice::new(dims);
        // Values per configuration: site-major, component-minor.
        let v = lat.volume() * T::COMPONENTS;
        let k: Vec<f64> = (0..nk).map(|_| rng.random_range(-1.0..1.0)).collect();
        let theta: Vec<f64> = (0..np).map(|_| rng.random_range(0.0..0.5)).collect();
        let group = lane_group(&mut rng, v);
        let (mut out, mut div) = (vec![f64::NAN; v * LANES], [f64::NAN; LANES]);
        theory.velocity_lanes(level, &lat, &k, &group, &mut out, &mut div);
        let mut force = vec![f64::NAN; v * LANES];
        theory.force_lanes(level, &lat, &theta, &group, &mut force);
        let (mut row, mut dtheta) = (vec![f64::NAN; nk * LANES], vec![f64::NAN; np * LANES]);
        theory.wegner_row_lanes(level, &lat, &theta, &group, &mut row, &mut dtheta);
        let mut one = vec![0.0; v];
        let (mut want, mut got) = (vec![0.0; v], vec![0.0; v]);
        let (mut want_row, mut got_row) = (vec![0.0; nk], vec![0.0; nk]);
        let (mut want_dtheta, mut got_dtheta) = (vec![0.0; np], vec![0.0; np]);
        let at = format!("{}, {dims:?}, {level:?}", T::NAME);
        for (l, &got_div) in div.iter().enumerate() {
            gather(&group, l, &mut one);
            let want_div = theory.velocity(&lat, &k, &one, &mut want);
            gather(&out, l, &mut got);
            assert_eq!(bits(&got), bits(&want), "velocity, lane {l}, {at}");
            assert_eq!(
                got_div.to_bits(),
                want_div.to_bits(),
                "divergence, lane {l}, {at}: {got_div} vs {want_div}"
            );
            theory.force(&lat, &theta, &one, &mut want);
            gather(&force, l, &mut got);
            assert_eq!(bits(&got), bits(&want), "force, lane {l}, {at}");
            theory.wegner_row(&lat, &theta, &one, &mut want_row, &mut want_dtheta);
            gather(&row, l, &mut got_row);
            gather(&dtheta, l, &mut got_dtheta);
            assert_eq!(
                bits(&got_row),
                bits(&want_row),
                "Wegner row, lane {l}, {at}"
            );
            assert_eq!(
                bits(&got_dtheta),
                bits(&want_dtheta),
                "∂S/∂θ, lane {l}, {at}"
            );
        }
    }
}

/// Every theory at every level this CPU offers.
fn at_every_level(check: impl Fn(Level)) {
    let levels: Vec<Level> = Level::ALL
        .into_iter()
        .filter(|l| l.is_available())
        .collect();
    assert!(levels.contains(&Level::Portable));
    levels.into_iter().for_each(check);
}

#[test]
fn batched_methods_equal_scalar_ones_bit_for_bit() {
    at_every_level(|level| {
        lanes_match(Phi4, level, 1);
        lanes_match(Phi4Hopping, level, 2);
        lanes_match(HoppingCritical, level, 3);
        lanes_match(HoppingNeighbours, level, 4);
        lanes_match(HoppingTanh, level, 5);
        lanes_match(SineGordon, level, 6);
        lanes_match(ZeroDimPhi4, level, 7);
        lanes_match(pirk_theories::Phi4HoppingWells, level, 8);
        lanes_match(pirk_theories::Phi4, level, 9);
        lanes_match(pirk_theories::Xy, level, 10);
        lanes_match(pirk_theories::O2Hopping, level, 11);
        lanes_match(pirk_theories::O3Hopping, level, 12);
        lanes_match(theories::links::Links, level, 13);
        lanes_match(pirk_theories::U1, level, 14);
    });
}

/// Generation through lane groups gives the ensemble of one-at-a-time generation, bit for bit:
/// configurations, densities, weights at every grid time, observables, evaluation counts and
/// stopped configurations, with a partial last group (11 = 8 + 3) and a basis that adds
/// shells and smeared kernels lane by lane to the batched declared ones (one of which reads
/// `mean(phi)`). Drawn from a prior three times wider than the trained one and with a
/// runaway factor just above 1, some configurations are stopped part-way, so lanes leave
/// their group at different steps.
#[test]
fn lane_group_generation_equals_one_at_a_time() {
    use pirk::{Basis, FreeFieldPrior, Generator, Path, Trainer};
    let lat = Lattice::new(&[5, 4]);
    let (theta0, theta1) = ([0.2, 0.0], [0.26, 0.02]);
    let prior = FreeFieldPrior::new(&lat, theta0[0], 1.0 - 4.0 * theta0[0]).unwrap();
    let basis = Basis::<Phi4Hopping>::new(&lat)
        .with_kernels(&["th_half", "th1", "zm"])
        .unwrap()
        .with_shells(true)
        .with_smeared(&[1.0], &[1.0]);
    let (flow, _) = Trainer::new()
        .with_samples(200)
        .unwrap()
        .with_steps(4)
        .unwrap()
        .train(
            &Phi4Hopping,
            &prior,
            &basis,
            &Path::linear(&theta0, &theta1).unwrap(),
        )
        .unwrap();
    let wide = FreeFieldPrior::new(&lat, theta0[0] / 9.0, (1.0 - 4.0 * theta0[0]) / 9.0).unwrap();
    let run = |lanes: bool, (prior, runaway): (&FreeFieldPrior, f64)| {
        Generator::new()
            .with_steps(6)
            .unwrap()
            .with_seed(5)
            .with_runaway(runaway)
            .unwrap()
            .with_lane_groups(lanes)
            .generate_observed(&Phi4Hopping, prior, &basis, &flow, 11, 2, |m, phi, out| {
                out[0] = phi.iter().sum::<f64>() + m as f64;
                out[1] = phi[3] * phi[3];
            })
    };
    let mut stopped = 0;
    for case in [(&prior, 10.0), (&wide, 1.02)] {
        let (a, b) = (run(true, case), run(false, case));
        assert_eq!(bits(&a.phi), bits(&b.phi), "runaway {}", case.1);
        assert_eq!(bits(&a.log_q), bits(&b.log_q));
        for m in 0..a.times.len() {
            assert_eq!(bits(&a.log_w_t[m]), bits(&b.log_w_t[m]), "time {m}");
            assert_eq!(bits(&a.obs_t[m]), bits(&b.obs_t[m]), "observables at {m}");
        }
        assert_eq!((a.rejected, a.evaluations), (b.rejected, b.evaluations));
        stopped += a.rejected;
    }
    assert!(
        stopped > 0 && stopped < 11,
        "{stopped} stopped: the runaway case must stop some"
    );
}

/// The Wegner system assembled through lane groups has the rows of [`pirk::Basis::row`], bit
/// for bit: 11 configurations (a partial last group), declared kernels with a zero mode,
/// shells and smeared kernels, which need the batched force; and the XY model's declared
/// kernels with spin-smeared kernels.
#[test]
fn lane_group_assembly_equals_row_by_row() {
    use pirk::{Basis, Path};
    let lat = Lattice::new(&[5, 4]);
    let basis = Basis::<Phi4Hopping>::new(&lat)
        .with_kernels(&["th_half", "hop_th", "zm"])
        .unwrap()
        .with_shells(true)
        .with_smeared(&[1.0, 2.0], &[0.5, 1.0]);
    let path = Path::linear(&[0.2, 0.0], &[0.27, 0.02]).unwrap();
    assembly_matches(&Phi4Hopping, &basis, &path);
    let basis = Basis::<pirk_theories::Xy>::new(&lat).with_spins(&[1.0, 2.0], &[1, 2]);
    let path = Path::linear(&[0.0], &[0.9]).unwrap();
    assembly_matches(&pirk_theories::Xy, &basis, &path);
}

fn assembly_matches<T: Theory>(theory: &T, basis: &pirk::Basis<T>, path: &pirk::Path) {
    let v = basis.lattice().volume();
    let mut rng = StdRng::seed_from_u64(11);
    let phi: Vec<f64> = (0..11 * v).map(|_| rng.random_range(-2.0..2.0)).collect();
    let t = 0.37;
    let (a, b) = pirk::WegnerSolver::new().assemble(theory, basis, path, t, &phi);
    let (mut theta, mut theta_dot) = (vec![0.0; path.len()], vec![0.0; path.len()]);
    path.theta(t, &mut theta);
    path.theta_dot(t, &mut theta_dot);
    let mut s = basis.scratch();
    let mut row = vec![0.0; basis.len()];
    for (i, config) in phi.chunks(v).enumerate() {
        let bi = basis.row(theory, t, &theta, &theta_dot, config, &mut row, &mut s);
        assert_eq!(bi.to_bits(), b[i].to_bits(), "b, configuration {i}");
        let got = &a[i * basis.len()..(i + 1) * basis.len()];
        assert_eq!(bits(got), bits(&row), "row of configuration {i}");
    }
    assert_eq!(b.len(), 11);
}

/// HMC of a lane group of chains (the training refresh) gives every chain the bits of its own
/// `Hmc::run`: both integrators, a path action with a prior offset (lane-by-lane gradient
/// terms), and chains that start so wide that their trajectories are rejected.
#[test]
fn lane_group_hmc_equals_one_chain_at_a_time() {
    use pirk::{Hmc, Integrator, Potential, PriorOffset, Switched, ZeroModePrior};
    fn check<P: Potential>(potential: &P, hmc: &Hmc, lat: &Lattice, theta: &[f64], seed: u64) {
        let v = lat.volume();
        let mut rng = StdRng::seed_from_u64(seed);
        let start = lane_group(&mut rng, v);
        let seeds: [u64; LANES] = std::array::from_fn(|_| rng.random());
        at_every_level(|level| {
            let (mut one, mut got) = (vec![0.0; v], vec![0.0; v]);
            let mut group = start.clone();
            hmc.run_lanes(potential, level, lat, theta, &mut group, &seeds);
            let mut moved = 0;
            for (l, &seed) in seeds.iter().enumerate() {
                gather(&start, l, &mut one);
                let report =
                    hmc.clone()
                        .with_seed(seed)
                        .run(potential, lat, theta, &mut one, |_| {});
                gather(&group, l, &mut got);
                assert_eq!(bits(&got), bits(&one), "chain {l}, {level:?}");
                moved += usize::from(report.acceptance > 0.0);
            }
            assert!(
                moved > 0 && moved < LANES,
                "{moved} of {LANES} chains moved"
            );
        });
    }
    let lat = Lattice::new(&[5, 4]);
    let theta = [0.26, 0.02];
    let leapfrog = Hmc::new()
        .with_trajectories(4)
        .unwrap()
        .with_step(0.2)
        .unwrap()
        .with_steps(3)
        .unwrap()
        .with_integrator(Integrator::Leapfrog);
    let omelyan = leapfrog
        .clone()
        .with_integrator(Integrator::Omelyan { lambda: 0.1932 });
    check(&Phi4Hopping, &leapfrog, &lat, &theta, 21);
    check(&HoppingCritical, &omelyan, &lat, &[0.27, 0.022], 22);
    let prior = ZeroModePrior::new(&lat, 0.25, 0.01, -0.02, 0.01).unwrap();
    let offset = PriorOffset::new(Phi4Hopping, prior, &lat, &[0.25, 0.0]);
    let path_action = Switched {
        theory: &Phi4Hopping,
        offset: &offset,
        weight: 0.6,
    };
    check(&path_action, &omelyan, &lat, &theta, 23);
}
