//! Figures, each written as SVG and PNG with the bundled DejaVu Sans font (the machine has no
//! system fonts; plotters draws text through ab_glyph).

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::outdir::{OutDir, write_atomic};
use crate::report::FileInfo;

/// DejaVu Sans (Bitstream Vera licence, see assets/DejaVuSans-LICENSE.txt).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const SIZE: (u32, u32) = (800, 500);

/// Something drawable on any backend.
pub trait Figure {
    /// Draws into `area`.
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static;
}

/// The series labels, in one style for every figure.
fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()?;
    Ok(())
}

/// Writes `fig` as `stem.svg` and `stem.png` into `out`; returns its report entry.
pub fn write(
    out: &OutDir,
    stem: &str,
    description: &str,
    fig: &impl Figure,
) -> anyhow::Result<FileInfo> {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        register_font("sans-serif", FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the bundled font parses"));
    });
    let svg = format!("{stem}.svg");
    let png = format!("{stem}.png");
    write_atomic(&out.path(&svg), |tmp: &Path| {
        let area = SVGBackend::new(tmp, SIZE).into_drawing_area();
        fig.draw(&area)?;
        area.present()?;
        anyhow::Ok(())
    })?;
    write_atomic(&out.path(&png), |tmp: &Path| {
        let area = BitMapBackend::new(tmp, SIZE).into_drawing_area();
        fig.draw(&area)?;
        area.present()?;
        anyhow::Ok(())
    })?;
    Ok(FileInfo {
        name: stem.to_string(),
        files: vec![svg, png],
        description: description.to_string(),
    })
}

/// Weighted, normalised histograms of the magnetisation (or of a link field's topological
/// charge), one per sampler.
pub struct Histogram {
    /// Chart title.
    pub caption: &'static str,
    /// x-axis label.
    pub x_label: &'static str,
    /// Whole-number values: one bin per integer.
    pub integers: bool,
    /// `(label, values, weights)` per sampler.
    pub series: Vec<(String, Vec<f64>, Vec<f64>)>,
}

/// A line `y(x)` per label, optionally with error bars, on a linear or log axis.
pub struct Lines {
    /// Chart title.
    pub title: String,
    /// x-axis label.
    pub x_label: String,
    /// y-axis label.
    pub y_label: String,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// `(label, points (x, y, error))`.
    pub series: Vec<(String, Vec<Point>)>,
}

/// `(x, y, error of y)`.
pub type Point = (f64, f64, f64);

/// Several [`Lines`] stacked vertically.
pub struct Stack(pub Vec<Lines>);

const COLORS: [RGBColor; 4] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
];

impl Figure for Histogram {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        area.fill(&WHITE)?;
        let finite = |v: &[f64]| {
            v.iter()
                .copied()
                .filter(|x| x.is_finite())
                .collect::<Vec<_>>()
        };
        let all: Vec<f64> = self.series.iter().flat_map(|s| finite(&s.1)).collect();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if self.integers {
            (lo.round() - 0.5, hi.round() + 0.5)
        } else if lo < hi {
            (lo, hi)
        } else {
            (lo - 1.0, lo + 1.0)
        };
        let bins = if self.integers {
            (hi - lo).round() as usize
        } else {
            60
        };
        let width = (hi - lo) / bins as f64;
        let densities: Vec<Vec<f64>> = self
            .series
            .iter()
            .map(|(_, x, w)| {
                let mut h = vec![0.0; bins];
                let mut total = 0.0;
                for (x, w) in x.iter().zip(w) {
                    if x.is_finite() && *w > 0.0 {
                        h[(((x - lo) / width) as usize).min(bins - 1)] += w;
                        total += w;
                    }
                }
                h.iter().map(|c| c / (total * width)).collect()
            })
            .collect();
        let top = densities.iter().flatten().copied().fold(0.0, f64::max) * 1.1;
        let mut chart = ChartBuilder::on(area)
            .caption(self.caption, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(lo..hi, 0.0..top.max(1e-12))?;
        chart
            .configure_mesh()
            .x_desc(self.x_label)
            .y_desc("probability density")
            .label_style(("sans-serif", 14))
            .draw()?;
        for (i, ((label, _, _), h)) in self.series.iter().zip(&densities).enumerate() {
            let color = COLORS[i % COLORS.len()];
            chart
                .draw_series(h.iter().enumerate().map(|(b, d)| {
                    let x0 = lo + b as f64 * width;
                    Rectangle::new([(x0, 0.0), (x0 + width, *d)], color.mix(0.35).filled())
                }))?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        legend(&mut chart)
    }
}

impl Figure for Lines {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        area.fill(&WHITE)?;
        let points = || self.series.iter().flat_map(|s| s.1.iter());
        let ok =
            |p: &&(f64, f64, f64)| p.0.is_finite() && p.1.is_finite() && (!self.log_y || p.1 > 0.0);
        let x0 = points()
            .filter(ok)
            .map(|p| p.0)
            .fold(f64::INFINITY, f64::min);
        let x1 = points()
            .filter(ok)
            .map(|p| p.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let err = |p: &(f64, f64, f64)| if p.2.is_finite() { p.2 } else { 0.0 };
        let y0 = points()
            .filter(ok)
            .map(|p| p.1 - err(p))
            .fold(f64::INFINITY, f64::min);
        let y1 = points()
            .filter(ok)
            .map(|p| p.1 + err(p))
            .fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1) = span(x0, x1);
        let mut builder = ChartBuilder::on(area);
        builder
            .caption(&self.title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70);
        if self.log_y {
            let (y0, y1) = if y0.is_finite() && y0 > 0.0 {
                (y0 / 2.0, y1 * 2.0)
            } else {
                (1e-16, 1.0)
            };
            let mut chart = builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale())?;
            chart
                .configure_mesh()
                .x_desc(self.x_label.as_str())
                .y_desc(self.y_label.as_str())
                .y_labels(6)
                .y_label_formatter(&|y| format!("{y:.0e}"))
                .label_style(("sans-serif", 14))
                .draw()?;
            self.series_into(&mut chart)?;
        } else {
            let (y0, y1) = span(y0, y1);
            let pad = 0.05 * (y1 - y0);
            let mut chart = builder.build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))?;
            chart
                .configure_mesh()
                .x_desc(self.x_label.as_str())
                .y_desc(self.y_label.as_str())
                .y_labels(6)
                .label_style(("sans-serif", 14))
                .draw()?;
            self.series_into(&mut chart)?;
        }
        Ok(())
    }
}

impl Lines {
    fn series_into<'a, DB, Y>(
        &self,
        chart: &mut ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, Y>>,
    ) -> anyhow::Result<()>
    where
        DB: DrawingBackend + 'a,
        DB::ErrorType: 'static,
        Y: Ranged<ValueType = f64>,
    {
        for (i, (label, pts)) in self.series.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            let pts: Vec<(f64, f64, f64)> = pts
                .iter()
                .copied()
                .filter(|p| p.0.is_finite() && p.1.is_finite() && (!self.log_y || p.1 > 0.0))
                .collect();
            chart
                .draw_series(LineSeries::new(
                    pts.iter().map(|p| (p.0, p.1)),
                    color.stroke_width(2),
                ))?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
            chart.draw_series(
                pts.iter()
                    .filter(|p| p.2 > 0.0 && p.2.is_finite())
                    .map(|p| {
                        ErrorBar::new_vertical(p.0, p.1 - p.2, p.1, p.1 + p.2, color.filled(), 6)
                    }),
            )?;
        }
        if self.series.len() > 1 {
            legend(chart)?;
        }
        Ok(())
    }
}

impl Figure for Stack {
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static,
    {
        for (panel, lines) in area.split_evenly((self.0.len(), 1)).iter().zip(&self.0) {
            lines.draw(panel)?;
        }
        Ok(())
    }
}

/// A non-empty range around `[a, b]`.
fn span(a: f64, b: f64) -> (f64, f64) {
    if !a.is_finite() || !b.is_finite() {
        (0.0, 1.0)
    } else if a < b {
        (a, b)
    } else {
        (a - 0.5, a + 0.5)
    }
}
