//! The monthly trend chart: papers per month as an SVG written by hand (deterministic, small,
//! diffable), and the same SVG rasterised to PNG with resvg and an embedded font, so no system
//! font is needed and both files show the same picture.
//!
//! Unlike the seed's matplotlib chart, the month axis is continuous (months without papers are
//! drawn as zero), a paper in several topics counts once in the total, months come from a
//! chosen date (first version by default), and the average is a clearly labelled trailing
//! 12-month mean.

use std::fmt::Write as _;

use jiff::tz::TimeZone;

use super::readme::Section;
pub use crate::model::Bucket;
use crate::model::Paper;

/// DejaVu Sans (Bitstream Vera licence, see `assets/fonts/LICENSE-DejaVu.txt`).
pub const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// SVG width and height, in CSS pixels. Small enough that its text, at least 34 px, stays
/// 9 px tall when a phone shows the image 360 px wide.
pub const SVG_SIZE: (u32, u32) = (1350, 600);
/// PNG pixels per SVG pixel: 2700 × 1200, as the seed's chart.
pub const PNG_SCALE: f32 = 2.0;

const LEFT: f64 = 120.0;
const RIGHT: f64 = 1320.0;
const TOP: f64 = 130.0;
const BOTTOM: f64 = 500.0;
/// Every text's size: the smallest that reads on a phone.
const TEXT: f64 = 34.0;
/// The legend's row height and most rows per column.
const LEGEND_ROW: f64 = 44.0;
const LEGEND_ROWS: usize = 4;
const TOTAL_COLOR: &str = "#1f5fa8";
const AVERAGE_COLOR: &str = "#e8710a";
const TOPIC_COLORS: &[&str] = &[
    "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];

impl Bucket {
    fn describe(self) -> &'static str {
        match self {
            Bucket::Published => "by month of first version",
            Bucket::Updated => "by month of latest version",
            Bucket::Id => "by month of arXiv id",
        }
    }
}

/// What to draw.
#[derive(Debug, Clone)]
pub struct ChartOptions<'a> {
    /// The title.
    pub title: &'a str,
    /// Which date puts a paper in a month.
    pub bucket: Bucket,
    /// One extra line per topic, with a legend.
    pub per_topic: bool,
}

/// Papers per month from the first to the last month with papers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyCounts {
    /// The first month as `year * 12 + month - 1`.
    pub first: i32,
    /// Unique papers per month (a paper in several topics counts once).
    pub total: Vec<u64>,
    /// Per topic, in section order: papers of that topic per month.
    pub per_topic: Vec<(String, Vec<u64>)>,
    /// Unique papers counted.
    pub papers: usize,
    /// A sparse early tail left off the axis: how many papers, from which month.
    pub earlier: Option<(usize, i32)>,
}

/// Where the month axis starts: past a sparse early tail, so one old paper does not flatten
/// the chart into a long empty stretch. The tail ends at the first busy month (a tenth of the
/// busiest month's papers, at least 2) or where 5 % of the papers are behind, whichever comes
/// first, and is cut only when it spans at least a quarter of the months. `months` is sorted;
/// returns how many papers the axis leaves off.
fn axis_start(months: &[i32]) -> usize {
    let (first, last) = (months[0], months[months.len() - 1]);
    let mut per_month: Vec<(i32, usize)> = Vec::new();
    for &m in months {
        match per_month.last_mut() {
            Some((month, n)) if *month == m => *n += 1,
            _ => per_month.push((m, 1)),
        }
    }
    let peak = per_month.iter().map(|p| p.1).max().unwrap_or(0);
    let busy = per_month
        .iter()
        .find(|p| p.1 * 10 >= peak && p.1 >= 2)
        .map_or(last, |p| p.0);
    let start = busy.min(months[months.len() / 20]);
    let skipped = months.partition_point(|&m| m < start);
    if skipped > 0 && (start - first) * 4 > last - first {
        skipped
    } else {
        0
    }
}

fn month_of(paper: &Paper, bucket: Bucket) -> i32 {
    let from_time = |t: jiff::Timestamp| {
        let date = t.to_zoned(TimeZone::UTC).date();
        i32::from(date.year()) * 12 + i32::from(date.month()) - 1
    };
    match bucket {
        Bucket::Published => from_time(paper.published),
        Bucket::Updated => from_time(paper.updated),
        Bucket::Id => match paper.id.yymm() {
            Some((y, m)) => i32::from(y) * 12 + i32::from(m) - 1,
            None => from_time(paper.published),
        },
    }
}

/// Counts papers per month; `None` when there are none.
pub fn monthly_counts(bucket: Bucket, sections: &[Section]) -> Option<MonthlyCounts> {
    let mut seen = std::collections::HashSet::new();
    let mut unique: Vec<i32> = Vec::new();
    let mut per_topic: Vec<Vec<i32>> = Vec::with_capacity(sections.len());
    for section in sections {
        let mut months = Vec::with_capacity(section.papers.len());
        for paper in section.papers {
            let month = month_of(paper, bucket);
            months.push(month);
            if seen.insert(paper.id.as_str()) {
                unique.push(month);
            }
        }
        per_topic.push(months);
    }
    if unique.is_empty() {
        return None;
    }
    let mut sorted = unique.clone();
    sorted.sort_unstable();
    let skipped = axis_start(&sorted);
    let first = sorted[skipped];
    let last = *sorted.last()?;
    let len = (last - first + 1) as usize;
    let count = |months: &[i32]| {
        let mut v = vec![0u64; len];
        for m in months.iter().filter(|&&m| m >= first) {
            v[(m - first) as usize] += 1;
        }
        v
    };
    Some(MonthlyCounts {
        first,
        total: count(&unique),
        per_topic: sections
            .iter()
            .zip(&per_topic)
            .map(|(s, months)| (s.name.to_string(), count(months)))
            .collect(),
        papers: unique.len(),
        earlier: (skipped > 0).then(|| (skipped, sorted[0])),
    })
}

fn month_label(index: i32) -> (i32, i32) {
    (index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// A step of 1, 2 or 5 × 10ⁿ giving at most `max_ticks` intervals up to `max`.
fn nice_step(max: u64, max_ticks: u64) -> u64 {
    let mut magnitude = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            if max.div_ceil(step) <= max_ticks {
                return step;
            }
        }
        magnitude *= 10;
    }
}

use crate::text::html_escape as escape;

/// One legend entry: a line sample (colour, dash pattern, width) and its label.
struct LegendEntry {
    label: String,
    color: &'static str,
    dash: &'static str,
    stroke: f64,
}

impl LegendEntry {
    fn new(label: String, color: &'static str, dash: &'static str, stroke: f64) -> Self {
        LegendEntry {
            label,
            color,
            dash,
            stroke,
        }
    }
}

/// Where months and counts go on the canvas.
struct Scale {
    months: usize,
    top_value: u64,
}

impl Scale {
    /// The scale for `counts`: head room above the highest count for the legend's rows, so no
    /// line runs behind it, rounded up to a nice step.
    fn fit(counts: &MonthlyCounts, per_topic: bool) -> (Scale, u64) {
        let max = counts
            .total
            .iter()
            .chain(counts.per_topic.iter().flat_map(|(_, v)| v.iter()))
            .copied()
            .max()
            .unwrap_or(0)
            .max(1);
        let drawn_topics = counts
            .per_topic
            .iter()
            .filter(|(_, v)| per_topic && v.iter().any(|&c| c > 0))
            .count();
        let legend_rows = (2 + drawn_topics).min(LEGEND_ROWS) as f64;
        let free = 1.0 - (20.0 + LEGEND_ROW * legend_rows) / (BOTTOM - TOP);
        let max = (max as f64 / free).ceil() as u64;
        let step = nice_step(max, 6);
        let scale = Scale {
            months: counts.total.len(),
            top_value: max.div_ceil(step) * step,
        };
        (scale, step)
    }

    fn y(&self, v: f64) -> f64 {
        BOTTOM - v / self.top_value as f64 * (BOTTOM - TOP)
    }

    fn x(&self, i: usize) -> f64 {
        let pad = 24.0;
        if self.months == 1 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + pad + i as f64 * (RIGHT - LEFT - 2.0 * pad) / (self.months - 1) as f64
        }
    }

    /// `values` as SVG points, the first at month `from`.
    fn points(&self, values: &[f64], from: usize) -> String {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", self.x(from + i), self.y(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Draws the chart as SVG. The same sections give the same bytes.
pub fn trend_svg(options: &ChartOptions, sections: &[Section]) -> String {
    let mut s = String::with_capacity(16 * 1024);
    frame(&mut s, options.title);
    let Some(counts) = monthly_counts(options.bucket, sections) else {
        no_papers(&mut s);
        return s;
    };
    subtitle(&mut s, &counts, options.bucket);
    let (scale, step) = Scale::fit(&counts, options.per_topic);
    value_axis(&mut s, scale.top_value, step, &|v| scale.y(v));
    month_ticks(&mut s, counts.first, scale.months, &|i| scale.x(i));
    let legend = series(&mut s, &scale, &counts, options.per_topic);
    draw_legend(&mut s, &legend);
    s.push_str("</svg>\n");
    s
}

/// The opening tag, the title and the white background.
fn frame(s: &mut String, title: &str) {
    let (w, h) = SVG_SIZE;
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, sans-serif" role="img">"#
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    let _ = writeln!(s, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="54" font-size="46" fill="#1a1a1a">{}</text>"##,
        escape(title)
    );
}

/// An empty plot saying so, and the closing tag.
fn no_papers(s: &mut String) {
    let _ = writeln!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="#cccccc" stroke-width="2"/>"##,
        RIGHT - LEFT,
        BOTTOM - TOP
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="{}" font-size="46" fill="#777777" text-anchor="middle">No papers yet</text>"##,
        (LEFT + RIGHT) / 2.0,
        (TOP + BOTTOM) / 2.0
    );
    s.push_str("</svg>\n");
}

/// How many papers over which months, and the papers left out before the first month.
fn subtitle(s: &mut String, counts: &MonthlyCounts, bucket: Bucket) {
    let n = counts.total.len();
    let (fy, fm) = month_label(counts.first);
    let (ly, lm) = month_label(counts.first + n as i32 - 1);
    let _ = writeln!(
        s,
        r##"<text x="{LEFT}" y="100" font-size="{TEXT}" fill="#555555">{} unique papers {}, {fy}-{fm:02} to {ly}-{lm:02}</text>"##,
        counts.papers,
        bucket.describe()
    );
    if let Some((count, from)) = counts.earlier {
        let (ey, em) = month_label(from);
        let _ = writeln!(
            s,
            r##"<text x="{LEFT}" y="{}" font-size="{TEXT}" fill="#555555">({count} earlier paper{}, from {ey}-{em:02}, not drawn)</text>"##,
            BOTTOM + 88.0,
            if count == 1 { "" } else { "s" }
        );
    }
}

/// The lines: the total's area and line with its points, one line per topic when asked, and
/// the average. Returns the legend, total first, then the average, then the topics.
fn series(
    s: &mut String,
    scale: &Scale,
    counts: &MonthlyCounts,
    per_topic: bool,
) -> Vec<LegendEntry> {
    let n = scale.months;
    let total: Vec<f64> = counts.total.iter().map(|&v| v as f64).collect();
    let mut legend = vec![LegendEntry::new(
        "All topics (unique papers)".into(),
        TOTAL_COLOR,
        "",
        4.0,
    )];
    let _ = writeln!(
        s,
        r#"<polygon points="{:.1},{BOTTOM} {} {:.1},{BOTTOM}" fill="{TOTAL_COLOR}" fill-opacity="0.10"/>"#,
        scale.x(0),
        scale.points(&total, 0),
        scale.x(n - 1)
    );
    let mut topics = Vec::new();
    if per_topic {
        for (k, (name, values)) in counts.per_topic.iter().enumerate() {
            if values.iter().all(|&v| v == 0) {
                continue;
            }
            let color = TOPIC_COLORS[k % TOPIC_COLORS.len()];
            let values: Vec<f64> = values.iter().map(|&v| v as f64).collect();
            let _ = writeln!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="3" stroke-linejoin="round"/>"#,
                scale.points(&values, 0)
            );
            topics.push(LegendEntry::new(escape(name), color, "", 3.0));
        }
    }
    let _ = writeln!(
        s,
        r#"<polyline points="{}" fill="none" stroke="{TOTAL_COLOR}" stroke-width="4" stroke-linejoin="round"/>"#,
        scale.points(&total, 0)
    );
    if n <= 120 {
        for (i, v) in total.iter().enumerate() {
            let _ = writeln!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="5.5" fill="{TOTAL_COLOR}"/>"#,
                scale.x(i),
                scale.y(*v)
            );
        }
    }
    legend.push(average(s, scale, &total));
    legend.extend(topics);
    legend
}

/// The trailing 12-month average (a mean line when there are fewer months), and its legend.
fn average(s: &mut String, scale: &Scale, total: &[f64]) -> LegendEntry {
    let n = total.len();
    if n >= 12 {
        let averages: Vec<f64> = (11..n)
            .map(|i| total[i - 11..=i].iter().sum::<f64>() / 12.0)
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{AVERAGE_COLOR}" stroke-width="3.5" stroke-dasharray="14 9"/>"#,
            scale.points(&averages, 11)
        );
        LegendEntry::new(
            "Trailing 12-month average".into(),
            AVERAGE_COLOR,
            "14 9",
            3.5,
        )
    } else {
        let mean = total.iter().sum::<f64>() / n as f64;
        let _ = writeln!(
            s,
            r#"<line x1="{LEFT}" y1="{:.1}" x2="{RIGHT}" y2="{:.1}" stroke="{AVERAGE_COLOR}" stroke-width="3.5" stroke-dasharray="14 9"/>"#,
            scale.y(mean),
            scale.y(mean)
        );
        LegendEntry::new(
            format!("Mean over {n} months ({mean:.1})"),
            AVERAGE_COLOR,
            "14 9",
            3.5,
        )
    }
}

/// The legend, top left inside the plot: columns of at most four entries, each a line
/// sample and its label.
fn draw_legend(s: &mut String, legend: &[LegendEntry]) {
    let (row, sample, char_width) = (LEGEND_ROW, 56.0, TEXT * 0.56);
    let mut x0 = LEFT + 16.0;
    for column in legend.chunks(LEGEND_ROWS) {
        let longest = column
            .iter()
            .map(|l| l.label.chars().count())
            .max()
            .unwrap_or(0) as f64;
        let width = 36.0 + sample + longest * char_width;
        let _ = writeln!(
            s,
            r##"<rect x="{x0:.1}" y="{}" width="{width:.1}" height="{:.1}" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc"/>"##,
            TOP + 8.0,
            12.0 + row * column.len() as f64
        );
        for (k, entry) in column.iter().enumerate() {
            let (label, color, dash, stroke) =
                (&entry.label, entry.color, entry.dash, entry.stroke);
            let yy = TOP + 8.0 + 28.0 + row * k as f64;
            let dash = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            let _ = writeln!(
                s,
                r#"<line x1="{:.1}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="{color}" stroke-width="{stroke}"{dash}/>"#,
                x0 + 12.0,
                x0 + 12.0 + sample
            );
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="{TEXT}" fill="#1a1a1a">{label}</text>"##,
                x0 + 24.0 + sample,
                yy + 12.0
            );
        }
        x0 += width + 12.0;
    }
}

/// The value axis: grid lines with their labels every `step` up to `top_value`, and its title.
fn value_axis(s: &mut String, top_value: u64, step: u64, y: &dyn Fn(f64) -> f64) {
    let mut tick = 0;
    while tick <= top_value {
        let yy = y(tick as f64);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{RIGHT}" y2="{yy:.1}" stroke="{}" stroke-width="{}"/>"##,
            if tick == 0 { "#444444" } else { "#dddddd" },
            if tick == 0 { 2 } else { 1 }
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{:.1}" font-size="{TEXT}" fill="#333333" text-anchor="end">{tick}</text>"##,
            LEFT - 12.0,
            yy + 12.0
        );
        tick += step;
    }
    let _ = writeln!(
        s,
        r##"<text transform="translate(34 {:.1}) rotate(-90)" font-size="{TEXT}" fill="#333333" text-anchor="middle">Papers per month</text>"##,
        (TOP + BOTTOM) / 2.0
    );
}

/// About how wide `label` is drawn at the chart's text size, in SVG pixels (DejaVu Sans
/// digits and hyphens are 0.64 em at most; a little over, so nothing is cut).
fn label_width(label: &str) -> f64 {
    label.chars().count() as f64 * TEXT * 0.64
}

/// Month ticks along the bottom: at most 7 labels, on month boundaries that read naturally.
fn month_ticks(s: &mut String, first: i32, n: usize, x: &dyn Fn(usize) -> f64) {
    let every = [1usize, 2, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|k| n.div_ceil(*k) <= 7)
        .unwrap_or(240);
    for i in 0..n {
        let (year, month) = month_label(first + i as i32);
        let on_tick = if every >= 12 {
            month == 1 && (year as usize).is_multiple_of(every / 12)
        } else {
            (month as usize - 1).is_multiple_of(every)
        };
        let xx = x(i);
        if on_tick || n == 1 {
            let label = if every >= 12 {
                format!("{year}")
            } else {
                format!("{year}-{month:02}")
            };
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{BOTTOM}" x2="{xx:.1}" y2="{}" stroke="#444444" stroke-width="2"/>"##,
                BOTTOM + 10.0
            );
            // Centred under its tick, but kept inside the image: a label at the right edge
            // ("2026-02" under the last month) moves left rather than being cut.
            let half = label_width(&label) / 2.0;
            let cx = xx.clamp(half + 4.0, f64::from(SVG_SIZE.0) - half - 4.0);
            let _ = writeln!(
                s,
                r##"<text x="{cx:.1}" y="{}" font-size="{TEXT}" fill="#333333" text-anchor="middle">{label}</text>"##,
                BOTTOM + 44.0
            );
        }
    }
}

/// A chart that could not be rasterised.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The SVG did not parse (a bug: `trend_svg` writes it).
    #[error("cannot read the chart SVG: {0}")]
    Svg(String),
    /// PNG encoding failed.
    #[error("cannot encode the chart PNG: {0}")]
    Png(String),
}

/// Rasterises an SVG of [`SVG_SIZE`] to PNG at [`PNG_SCALE`], with the embedded font.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, ChartError> {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_font_data(FONT.to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    let tree =
        resvg::usvg::Tree::from_str(svg, &options).map_err(|e| ChartError::Svg(e.to_string()))?;
    let (w, h) = SVG_SIZE;
    let width = (w as f32 * PNG_SCALE).round() as u32;
    let height = (h as f32 * PNG_SCALE).round() as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| ChartError::Png("zero-sized image".into()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| ChartError::Png(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArxivId;

    fn paper(id: &str, published: &str) -> Paper {
        Paper {
            id: ArxivId::parse(id).unwrap(),
            version: 1,
            title: "T".into(),
            authors: vec![],
            summary: String::new(),
            categories: vec!["cs.CL".into()],
            primary_category: "cs.CL".into(),
            published: published.parse().unwrap(),
            updated: "2026-01-01T00:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        }
    }

    #[test]
    fn months_are_continuous_and_papers_count_once() {
        let a = [
            paper("2501.00001", "2025-01-31T23:59:00Z"),
            paper("2504.00002", "2025-04-01T00:00:00Z"),
        ];
        let b = [paper("2501.00001", "2025-01-31T23:59:00Z")];
        let sections = [
            Section {
                name: "a",
                papers: &a.iter().collect::<Vec<_>>(),
                by_id: true,
            },
            Section {
                name: "b",
                papers: &b.iter().collect::<Vec<_>>(),
                by_id: true,
            },
        ];
        let c = monthly_counts(Bucket::Published, &sections).unwrap();
        assert_eq!(c.first, 2025 * 12);
        assert_eq!(
            c.total,
            [1, 0, 0, 1],
            "empty months are zeros; the shared paper counts once"
        );
        assert_eq!(c.per_topic[1], ("b".to_string(), vec![1, 0, 0, 0]));
        assert_eq!(c.papers, 2);
        let by_update = monthly_counts(Bucket::Updated, &sections).unwrap();
        assert_eq!(by_update.total, [2]);
        let moderated = [paper("2602.00001", "2026-01-20T00:00:00Z")];
        let by_id = monthly_counts(
            Bucket::Id,
            &[Section {
                name: "m",
                papers: &moderated.iter().collect::<Vec<_>>(),
                by_id: true,
            }],
        );
        assert_eq!(by_id.unwrap().first, 2026 * 12 + 1);
        assert_eq!(monthly_counts(Bucket::Published, &[]), None);
    }

    fn options() -> ChartOptions<'static> {
        ChartOptions {
            title: "arXiv papers per month",
            bucket: Bucket::Published,
            per_topic: true,
        }
    }

    /// Every text's drawn box (DejaVu Sans, as the PNG is drawn) inside the image, for spans of
    /// 1 to 40 months ending on every month of the year: the last month's label at the right
    /// edge once read "2026-0".
    #[test]
    fn every_label_stays_inside_the_image() {
        fn texts(group: &resvg::usvg::Group, out: &mut Vec<resvg::usvg::Rect>) {
            for node in group.children() {
                match node {
                    resvg::usvg::Node::Group(g) => texts(g, out),
                    resvg::usvg::Node::Text(t) => out.push(t.abs_bounding_box()),
                    _ => {}
                }
            }
        }
        let mut usvg_options = resvg::usvg::Options::default();
        usvg_options.fontdb_mut().load_font_data(FONT.to_vec());
        usvg_options
            .fontdb_mut()
            .set_sans_serif_family("DejaVu Sans");
        for months in [1, 2, 7, 12, 13, 19, 25, 40] {
            for last in 1..=12 {
                let end = 2026 * 12 + last - 1;
                let papers: Vec<Paper> = (0..months)
                    .map(|k| {
                        let m = end - k;
                        paper(
                            &format!("{:02}{:02}.{:05}", (m / 12) % 100, m % 12 + 1, k + 1),
                            &format!("{}-{:02}-15T00:00:00Z", m / 12, m % 12 + 1),
                        )
                    })
                    .collect();
                let refs: Vec<&Paper> = papers.iter().collect();
                let section = Section {
                    name: "t",
                    papers: &refs,
                    by_id: true,
                };
                let svg = trend_svg(&options(), &[section]);
                let tree = resvg::usvg::Tree::from_str(&svg, &usvg_options).unwrap();
                let mut boxes = Vec::new();
                texts(tree.root(), &mut boxes);
                assert!(!boxes.is_empty());
                for b in boxes {
                    assert!(
                        b.left() >= 0.0 && b.right() <= SVG_SIZE.0 as f32,
                        "{months} months to month {last}: a text spans {}..{}",
                        b.left(),
                        b.right()
                    );
                }
            }
        }
    }

    /// One 2018 paper, then 120 papers over 2024–2025.
    fn with_an_early_outlier() -> Vec<Paper> {
        let mut papers = vec![paper("1806.00001", "2018-06-15T00:00:00Z")];
        for i in 0..120 {
            let (y, m) = (2024 + i / 60, (i % 12) + 1);
            papers.push(paper(
                &format!("{}{:02}.{:05}", y - 2000, m, i + 1),
                &format!("{y}-{m:02}-10T00:00:00Z"),
            ));
        }
        papers
    }

    #[test]
    fn an_early_outlier_does_not_stretch_the_month_axis() {
        let papers = with_an_early_outlier();
        let sections = [Section {
            name: "a",
            papers: &papers.iter().collect::<Vec<_>>(),
            by_id: false,
        }];
        let c = monthly_counts(Bucket::Published, &sections).unwrap();
        assert_eq!(c.first, 2024 * 12, "the axis starts where the papers do");
        assert_eq!(c.total.len(), 24);
        assert_eq!(c.earlier, Some((1, 2018 * 12 + 5)));
        assert_eq!(c.papers, 121);
        let svg = trend_svg(&options(), &sections);
        assert!(svg.contains("2024-01 to 2025-12</text>"), "{svg}");
        assert!(
            svg.contains(">(1 earlier paper, from 2018-06, not drawn)<"),
            "{svg}"
        );
        // A steady history keeps its whole axis.
        let steady: Vec<Paper> = with_an_early_outlier()[1..].to_vec();
        let sections = [Section {
            name: "a",
            papers: &steady.iter().collect::<Vec<_>>(),
            by_id: false,
        }];
        assert_eq!(
            monthly_counts(Bucket::Published, &sections)
                .unwrap()
                .earlier,
            None
        );
    }

    #[test]
    fn every_text_is_legible_on_a_phone() {
        // A README image is shown about 360 CSS pixels wide on a phone: text must stay at
        // least 9 px tall there.
        let papers = with_an_early_outlier();
        let sections = [Section {
            name: "a topic with a long name",
            papers: &papers.iter().collect::<Vec<_>>(),
            by_id: false,
        }];
        let svg = trend_svg(&options(), &sections);
        let scale = 360.0 / f64::from(SVG_SIZE.0);
        let sizes: Vec<f64> = svg
            .split("font-size=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(sizes.len() > 10);
        for size in sizes {
            assert!(
                size * scale >= 9.0,
                "font-size {size} is {:.1} px on a phone",
                size * scale
            );
        }
        let png = svg_to_png(&svg).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(1, 6), 1);
        assert_eq!(nice_step(7, 6), 2);
        assert_eq!(nice_step(31, 6), 10);
        assert_eq!(nice_step(29, 6), 5);
        assert_eq!(nice_step(2500, 6), 500);
    }

    #[test]
    fn empty_chart_says_so_and_rasterises() {
        let svg = trend_svg(
            &ChartOptions {
                title: "arXiv papers per month",
                bucket: Bucket::Published,
                per_topic: false,
            },
            &[],
        );
        assert!(svg.contains("No papers yet"));
        let png = svg_to_png(&svg).unwrap();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn titles_are_escaped() {
        let svg = trend_svg(
            &ChartOptions {
                title: "<b>R&D</b>",
                bucket: Bucket::Published,
                per_topic: false,
            },
            &[],
        );
        assert!(svg.contains("&lt;b&gt;R&amp;D&lt;/b&gt;"));
        assert!(!svg.contains("<b>"));
    }
}
