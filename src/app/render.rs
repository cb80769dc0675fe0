//! `paperwatch render`: write the README from the database, no network.

use anyhow::Context;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Ui, open_store, write_atomic};
use crate::config::{Settings, Sort};
use crate::render::chart::{ChartOptions, svg_to_png, trend_svg};
use crate::render::{ReadmeOptions, Section, readme};

/// Renders the README of the configured topics, in config order.
pub fn run(settings: &Settings, now: Timestamp, ui: Ui) -> anyhow::Result<()> {
    let mut store = open_store(settings, false)?;
    super::classify::classify_all(settings, &mut store)?;
    let mut papers = Vec::with_capacity(settings.topics.len());
    for topic in &settings.topics {
        let mut shown = store
            .shown_papers(&topic.name)
            .with_context(|| format!("cannot read the papers of topic {}", topic.name))?;
        if topic.sort == Sort::Score {
            let scores = store.scores(&topic.name)?;
            let score = |p: &crate::model::Paper| scores.get(&p.id).copied().unwrap_or(0.0);
            shown.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| b.id.cmp(&a.id)));
        }
        papers.push(shown);
    }
    let sections: Vec<Section> = settings
        .topics
        .iter()
        .zip(&papers)
        .map(|(topic, papers)| Section {
            name: &topic.name,
            papers,
            by_id: topic.sort == Sort::Id,
        })
        .collect();
    let r = &settings.readme;
    if let Some(image) = chart_path(settings) {
        let svg = trend_svg(
            &ChartOptions {
                title: &settings.chart.title,
                bucket: settings.chart.bucket,
                per_topic: settings.chart.per_topic,
            },
            &sections,
        );
        let png = svg_to_png(&svg)?;
        write_atomic(&image.with_extension("svg"), svg.as_bytes())?;
        write_atomic(&image, &png)?;
        ui.say(&format!(
            "wrote {} and {}",
            image.display(),
            image.with_extension("svg").display()
        ));
    }
    let options = ReadmeOptions {
        badges: r.badges.as_deref(),
        intro: r.intro.as_deref(),
        trend_image: r.trend_image.as_deref(),
        date: now.to_zoned(TimeZone::UTC).date(),
    };
    let text = readme(&options, &sections);
    write_atomic(&r.path, text.as_bytes())?;
    let rows: usize = papers.iter().map(Vec::len).sum();
    ui.say(&format!(
        "wrote {} ({} rows, {} bytes)",
        r.path.display(),
        rows,
        text.len()
    ));
    Ok(())
}

/// Where the trend PNG goes: `trend_image` relative to the README's folder; `None` when there is
/// no trend image or it is a URL.
pub fn chart_path(settings: &Settings) -> Option<std::path::PathBuf> {
    let image = settings.readme.trend_image.as_deref()?;
    if image.contains("://") {
        return None;
    }
    let folder = settings
        .readme
        .path
        .parent()
        .unwrap_or(std::path::Path::new(""));
    Some(folder.join(image))
}
