//! The report's charts: horizontal bars, grouped bars and stacked bars,
//! drawn with plotters into inline SVG strings.
//!
//! Plotters is built without font support here (no `ttf`, no `ab_glyph`):
//! its SVG backend then writes text as SVG `<text>` elements, escaped, and
//! leaves the glyphs to the browser. It cannot measure text, so the layout
//! (label widths, wrapping, legend flow) is worked out here from an
//! estimate of the average glyph width.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The width of every chart, in SVG units; the page scales it.
pub const WIDTH: u32 = 720;
/// Font size of the labels, in pixels.
const FONT_PX: f64 = 12.0;
/// A generous average glyph width of a sans-serif face at [`FONT_PX`].
const GLYPH_PX: f64 = 6.6;
/// A closer estimate, for spacing the legend keys (where too much room
/// shows as gaps, and too little only as a tighter line).
const LEGEND_GLYPH_PX: f64 = 6.0;
const LINE_PX: i32 = 15;
/// Where the labels end and the bars begin.
const LABEL_RIGHT: i32 = 262;
/// The room left after the longest bar for its figure.
const VALUE_ROOM: i32 = 96;

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const AXIS: RGBColor = RGBColor(0x59, 0x59, 0x59);
// Every colour below is at least 3:1 against the white page (WCAG 1.4.11);
// the report's tests compute it for every fill of the demo report.
const PRIMARY: RGBColor = RGBColor(0x1d, 0x4f, 0x91);
/// The previous edition: lighter than this one's, still 3.3:1 on white.
const SECONDARY: RGBColor = RGBColor(0x6b, 0x8f, 0xc2);
/// "No answer": 4.5:1 on white.
const MUTED: RGBColor = RGBColor(0x76, 0x76, 0x76);
const WHITE: RGBColor = RGBColor(0xff, 0xff, 0xff);
/// Light to dark, for columns that are an ordered scale; the lightest is
/// 3.3:1 on white, and white gaps part the segments.
const SEQUENTIAL: [RGBColor; 5] = [
    RGBColor(0x6b, 0x8f, 0xc2),
    RGBColor(0x3f, 0x6f, 0xb0),
    RGBColor(0x2f, 0x5f, 0x9e),
    RGBColor(0x15, 0x40, 0x6f),
    RGBColor(0x0d, 0x2d, 0x57),
];
/// Distinct colours, for columns that are categories (each 4.6:1 or more on white).
const CATEGORICAL: [RGBColor; 6] = [
    RGBColor(0x1d, 0x4f, 0x91),
    RGBColor(0xb3, 0x5c, 0x00),
    RGBColor(0x1f, 0x7a, 0x4d),
    RGBColor(0xb0, 0x3a, 0x48),
    RGBColor(0x7b, 0x61, 0xa8),
    RGBColor(0x34, 0x7d, 0x99),
];
/// The height of the value axis under the bars, with its tick labels.
const AXIS_PX: i32 = 26;

/// What a chart's bars measure, and so its value axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Axis {
    /// Percentages: the axis runs from 0 to 100 %.
    Share,
    /// Counts (or points): the axis runs from 0 to a round number at or
    /// above the largest value.
    Count,
}

impl Axis {
    /// The value at the axis's end and its ticks.
    fn ticks(self, largest: f64) -> (f64, Vec<f64>) {
        match self {
            Axis::Share => (100.0, vec![0.0, 25.0, 50.0, 75.0, 100.0]),
            Axis::Count => {
                let largest = largest.max(1.0);
                // The smallest of 1, 2, 5 × 10^k that needs at most 5 steps.
                let mut step = 1.0;
                'find: for power in [
                    1.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                    1e12,
                ] {
                    for m in [1.0, 2.0, 5.0] {
                        step = m * power;
                        if (largest / step).ceil() <= 5.0 {
                            break 'find;
                        }
                    }
                }
                let end = (largest / step).ceil() * step;
                let n = (end / step).round() as usize;
                (end, (0..=n).map(|k| k as f64 * step).collect())
            }
        }
    }

    fn label(self, v: f64) -> String {
        match self {
            Axis::Share => format!("{}%", v.round() as i64),
            Axis::Count => crate::report::aggregate::group_digits(v.round() as u64),
        }
    }
}

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("a chart could not be drawn: {0}")]
pub struct ChartError(String);

/// One bar: its label, its length, and the figure written after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
    /// No bar, only its figure: "no answer", which is outside the base
    /// of the shares the bars show.
    pub muted: bool,
}

/// Two bars for one label: this edition's and the previous one's.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub label: String,
    /// (length, figure) of the previous edition, then of this one.
    pub values: [(Option<f64>, String); 2],
    /// The change, written at the row's end ("+4 pp").
    pub change: String,
}

/// One stacked bar: a label and a count per column, drawn as shares of
/// its base (the counts add up to the base: "no answer" is a column).
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    pub label: String,
    pub counts: Vec<usize>,
    pub base: usize,
}

/// How a stacked chart colours its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    /// The columns are an ordered scale (1 to 5).
    Sequential,
    /// The columns are categories; the ones listed as `muted` are grey.
    Categorical,
}

fn font(px: f64) -> TextStyle<'static> {
    // The SVG backend writes size / 1.24 as the font size.
    TextStyle::from(("sans-serif", px * 1.24).into_font()).color(&INK)
}

fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * GLYPH_PX
}

/// Splits a label into lines that fit `width` pixels, at spaces where it can.
pub fn wrap(label: &str, width: f64) -> Vec<String> {
    let max = ((width / GLYPH_PX).floor() as usize).max(4);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in printable(label).split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word[..max].iter().collect());
            word.drain(..max);
        }
        let word: String = word.into_iter().collect();
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Text with its control characters made visible (U+0001 as "␁"): HTML
/// and XML forbid them, and a text typed into the form may hold one. Tabs
/// and line ends are kept.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{fdd0}'..='\u{fdef}')
            || (c as u32 & 0xfffe) == 0xfffe
    };
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            c if !hidden(c) => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            _ => '\u{fffd}',
        })
        .collect()
}

/// Escapes text for an XML attribute or element.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn fail<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError(format!("{e:?}"))
}

/// Draws on a canvas of `height` and returns the SVG element, labelled
/// `alt` for assistive technology and without the `xmlns` link that inline
/// SVG does not need.
fn draw(
    height: u32,
    alt: &str,
    paint: impl FnOnce(&Area) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, height)).into_drawing_area();
        paint(&root)?;
        root.present().map_err(fail)?;
    }
    let body = buf
        .split_once('>')
        .map(|(_, rest)| rest)
        .ok_or_else(|| ChartError("plotters wrote no SVG element".into()))?;
    Ok(format!(
        "<svg class=\"chart\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">{body}",
        escape(alt)
    ))
}

fn label_lines(area: &Area, lines: &[String], right: i32, mid: i32) -> Result<(), ChartError> {
    let style = font(FONT_PX).pos(Pos::new(HPos::Right, VPos::Center));
    let top = mid - (lines.len() as i32 - 1) * LINE_PX / 2;
    for (i, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.clone(),
            (right, top + i as i32 * LINE_PX),
            style.clone(),
        ))
        .map_err(fail)?;
    }
    Ok(())
}

fn rect(area: &Area, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> Result<(), ChartError> {
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
        .map_err(fail)
}

fn axis(area: &Area, x: i32, y0: i32, y1: i32) -> Result<(), ChartError> {
    area.draw(&PathElement::new(
        vec![(x, y0), (x, y1)],
        AXIS.stroke_width(1),
    ))
    .map_err(fail)
}

fn value_text(area: &Area, text: &str, x: i32, y: i32) -> Result<(), ChartError> {
    area.draw(&Text::new(
        printable(text).into_owned(),
        (x, y),
        font(FONT_PX).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(fail)
}

fn scale(value: f64, max: f64, room: i32) -> i32 {
    if max <= 0.0 || value <= 0.0 {
        0
    } else {
        ((value.min(max) / max) * room as f64).round().max(1.0) as i32
    }
}

/// The value axis under the bars: a line from 0 to `end`, a tick and its
/// figure at each of `ticks`.
fn value_axis(
    area: &Area,
    axis: Axis,
    ticks: &[f64],
    end: f64,
    room: i32,
    y: i32,
) -> Result<(), ChartError> {
    area.draw(&PathElement::new(
        vec![(LABEL_RIGHT, y), (LABEL_RIGHT + room, y)],
        AXIS.stroke_width(1),
    ))
    .map_err(fail)?;
    for &t in ticks {
        let x = LABEL_RIGHT + scale(t, end, room);
        area.draw(&PathElement::new(
            vec![(x, y), (x, y + 4)],
            AXIS.stroke_width(1),
        ))
        .map_err(fail)?;
        area.draw(&Text::new(
            axis.label(t),
            (x, y + 14),
            font(11.0).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(fail)?;
    }
    Ok(())
}

/// Horizontal bars, one per label, each with its figure written after it,
/// over a value axis (0–100 % for shares).
pub fn bars(bars: &[Bar], axis_of: Axis, alt: &str) -> Result<String, ChartError> {
    let label_room = (LABEL_RIGHT - 12) as f64;
    let wrapped: Vec<Vec<String>> = bars.iter().map(|b| wrap(&b.label, label_room)).collect();
    let rows: Vec<i32> = wrapped
        .iter()
        .map(|l| (l.len() as i32 * LINE_PX).max(18) + 6)
        .collect();
    let plot = 6 + rows.iter().sum::<i32>();
    let height = plot + AXIS_PX;
    let largest = bars
        .iter()
        .filter(|b| !b.muted)
        .map(|b| b.value)
        .fold(0.0, f64::max);
    let (end, ticks) = axis_of.ticks(largest);
    let room = WIDTH as i32 - LABEL_RIGHT - VALUE_ROOM;
    draw(height as u32, alt, |area| {
        let mut y = 4;
        for ((bar, lines), h) in bars.iter().zip(&wrapped).zip(&rows) {
            let mid = y + h / 2;
            label_lines(area, lines, LABEL_RIGHT - 8, mid)?;
            let w = if bar.muted {
                0
            } else {
                scale(bar.value, end, room)
            };
            if w > 0 {
                rect(
                    area,
                    LABEL_RIGHT,
                    mid - 8,
                    LABEL_RIGHT + w,
                    mid + 8,
                    PRIMARY,
                )?;
            }
            value_text(area, &bar.text, LABEL_RIGHT + w + 6, mid)?;
            y += h;
        }
        axis(area, LABEL_RIGHT, 2, plot)?;
        value_axis(area, axis_of, &ticks, end, room, plot)
    })
}

/// A row of legend keys: (swatch colour, name), wrapped over several lines.
fn legend_layout(names: &[String]) -> Vec<(i32, i32)> {
    let mut x = LABEL_RIGHT;
    let mut line = 0;
    names
        .iter()
        .map(|n| {
            let w = 18 + (n.chars().count() as f64 * LEGEND_GLYPH_PX).ceil() as i32 + 16;
            if x + w > WIDTH as i32 - 8 && x > LABEL_RIGHT {
                x = LABEL_RIGHT;
                line += 1;
            }
            let at = (x, line);
            x += w;
            at
        })
        .collect()
}

fn legend(
    area: &Area,
    names: &[String],
    colours: &[RGBColor],
    at: &[(i32, i32)],
) -> Result<(), ChartError> {
    for ((name, colour), (x, line)) in names.iter().zip(colours).zip(at) {
        let mid = 12 + line * 18;
        rect(area, *x, mid - 6, x + 12, mid + 6, *colour)?;
        value_text(area, name, x + 17, mid)?;
    }
    Ok(())
}

fn legend_height(at: &[(i32, i32)]) -> i32 {
    at.iter()
        .map(|(_, l)| *l)
        .max()
        .map_or(0, |l| (l + 1) * 18 + 10)
}

/// The room a comparison keeps at the right for the change.
const CHANGE_ROOM: i32 = 64;

/// Two bars per label, the previous edition's (light) above this one's
/// (dark), the change at the row's end, over a value axis, with a legend
/// naming the editions.
pub fn pairs(
    pairs: &[Pair],
    series: [&str; 2],
    axis_of: Axis,
    alt: &str,
) -> Result<String, ChartError> {
    let names: Vec<String> = series.iter().map(|s| s.to_string()).collect();
    let at = legend_layout(&names);
    let top = legend_height(&at);
    let label_room = (LABEL_RIGHT - 12) as f64;
    let wrapped: Vec<Vec<String>> = pairs.iter().map(|p| wrap(&p.label, label_room)).collect();
    let rows: Vec<i32> = wrapped
        .iter()
        .map(|l| (l.len() as i32 * LINE_PX).max(28) + 8)
        .collect();
    let plot = top + 6 + rows.iter().sum::<i32>();
    let height = plot + AXIS_PX;
    let largest = pairs
        .iter()
        .flat_map(|p| p.values.iter().filter_map(|v| v.0))
        .fold(0.0, f64::max);
    let (end, ticks) = axis_of.ticks(largest);
    let room = WIDTH as i32 - LABEL_RIGHT - VALUE_ROOM - CHANGE_ROOM;
    draw(height as u32, alt, |area| {
        legend(area, &names, &[SECONDARY, PRIMARY], &at)?;
        area.draw(&Text::new(
            "Change",
            (WIDTH as i32 - 8, 12),
            font(FONT_PX).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(fail)?;
        let mut y = top + 4;
        for ((pair, lines), h) in pairs.iter().zip(&wrapped).zip(&rows) {
            let mid = y + h / 2;
            label_lines(area, lines, LABEL_RIGHT - 8, mid)?;
            for (k, ((value, text), colour)) in
                pair.values.iter().zip([SECONDARY, PRIMARY]).enumerate()
            {
                let bar_mid = if k == 0 { mid - 7 } else { mid + 7 };
                let w = value.map_or(0, |v| scale(v, end, room));
                if w > 0 {
                    rect(
                        area,
                        LABEL_RIGHT,
                        bar_mid - 6,
                        LABEL_RIGHT + w,
                        bar_mid + 6,
                        colour,
                    )?;
                }
                value_text(area, text, LABEL_RIGHT + w + 6, bar_mid)?;
            }
            area.draw(&Text::new(
                printable(&pair.change).into_owned(),
                (WIDTH as i32 - 8, mid),
                font(FONT_PX).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(fail)?;
            y += h;
        }
        axis(area, LABEL_RIGHT, top + 2, plot)?;
        value_axis(area, axis_of, &ticks, end, room, plot)
    })
}

/// The colour of each column of a stacked chart.
fn stack_colours(columns: usize, palette: Palette, muted: &[bool]) -> Vec<RGBColor> {
    let plain = (0..columns)
        .filter(|i| !muted.get(*i).copied().unwrap_or(false))
        .count();
    let mut k = 0;
    (0..columns)
        .map(|i| {
            if muted.get(i).copied().unwrap_or(false) {
                return MUTED;
            }
            let c = match palette {
                Palette::Sequential => {
                    let n = plain.max(2);
                    let step = (SEQUENTIAL.len() - 1) as f64 / (n - 1) as f64;
                    SEQUENTIAL[((k as f64 * step).round() as usize).min(SEQUENTIAL.len() - 1)]
                }
                Palette::Categorical => CATEGORICAL[k % CATEGORICAL.len()],
            };
            k += 1;
            c
        })
        .collect()
}

/// The lightness WCAG gives a colour.
fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// The contrast ratio of two colours (1 to 21).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (
        luminance(RGBColor(a.0, a.1, a.2)),
        luminance(RGBColor(b.0, b.1, b.2)),
    );
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Dark or white text, whichever reads better on the fill.
fn ink_on(c: RGBColor) -> RGBColor {
    let rgb = |c: RGBColor| (c.0, c.1, c.2);
    if contrast(rgb(c), rgb(INK)) > contrast(rgb(c), rgb(WHITE)) {
        INK
    } else {
        WHITE
    }
}

/// One bar per row at 100 % of the row's base, stacked from its columns'
/// shares, with the base after it, a legend of the columns and a value axis.
pub fn stacked(
    stacks: &[Stack],
    columns: &[String],
    palette: Palette,
    muted: &[bool],
    alt: &str,
) -> Result<String, ChartError> {
    let colours = stack_colours(columns.len(), palette, muted);
    let at = legend_layout(columns);
    let top = legend_height(&at);
    let label_room = (LABEL_RIGHT - 12) as f64;
    let wrapped: Vec<Vec<String>> = stacks.iter().map(|s| wrap(&s.label, label_room)).collect();
    let rows: Vec<i32> = wrapped
        .iter()
        .map(|l| (l.len() as i32 * LINE_PX).max(18) + 8)
        .collect();
    let plot = top + 6 + rows.iter().sum::<i32>();
    let height = plot + AXIS_PX;
    let (end, ticks) = Axis::Share.ticks(100.0);
    let room = WIDTH as i32 - LABEL_RIGHT - VALUE_ROOM;
    draw(height as u32, alt, |area| {
        legend(area, columns, &colours, &at)?;
        let mut y = top + 4;
        for ((stack, lines), h) in stacks.iter().zip(&wrapped).zip(&rows) {
            let mid = y + h / 2;
            label_lines(area, lines, LABEL_RIGHT - 8, mid)?;
            let mut x = LABEL_RIGHT;
            let mut sum = 0usize;
            let share = |n: usize| {
                if stack.base == 0 {
                    0.0
                } else {
                    100.0 * n as f64 / stack.base as f64
                }
            };
            for (count, colour) in stack.counts.iter().zip(&colours) {
                let x1 = LABEL_RIGHT + scale(share(sum + count), end, room);
                sum += count;
                if *count == 0 || x1 <= x {
                    continue;
                }
                // A white gap of one unit parts the segment from the next.
                rect(area, x, mid - 9, (x1 - 1).max(x + 1), mid + 9, *colour)?;
                let label = format!("{}%", share(*count).round() as i64);
                if (x1 - x) as f64 >= text_width(&label) + 6.0 {
                    let ink = ink_on(*colour);
                    area.draw(&Text::new(
                        label,
                        ((x + x1) / 2, mid),
                        font(11.0)
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(fail)?;
                }
                x = x1;
            }
            value_text(
                area,
                &format!("n = {}", stack.base),
                LABEL_RIGHT + room + 6,
                mid,
            )?;
            y += h;
        }
        axis(area, LABEL_RIGHT, top + 2, plot)?;
        value_axis(area, Axis::Share, &ticks, end, room, plot)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_long_labels_at_spaces_and_keeps_every_word() {
        let label = "Instant messengers (WhatsApp, LINE, KakaoTalk, WeChat, Viber, Telegram…)";
        let lines = wrap(label, 250.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l) <= 250.0));
        assert_eq!(lines.join(" "), label);
    }

    #[test]
    fn chart_text_from_data_is_escaped_in_the_svg() {
        let svg = bars(
            &[Bar {
                label: "<script>alert(1)</script> & \"x\" </svg>".into(),
                value: 1.0,
                text: "1".into(),
                muted: false,
            }],
            Axis::Count,
            "alt <b>\"",
        )
        .unwrap();
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("<b>"));
        assert_eq!(svg.matches("</svg>").count(), 1);
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("&amp;"));
        assert!(!svg.contains("http"));
    }

    #[test]
    fn control_characters_are_shown_as_symbols_and_line_ends_kept() {
        assert_eq!(printable("a\u{1}b\u{7f}\nc\td"), "a\u{2401}b\u{2421}\nc\td");
        assert_eq!(printable("\u{ffff}\u{fdd0}é"), "\u{fffd}\u{fffd}é");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape("<\u{0}>"), "&lt;\u{2400}&gt;");
    }

    #[test]
    fn a_chart_of_zeros_draws_no_bar_but_every_label() {
        let svg = bars(
            &[Bar {
                label: "Nobody".into(),
                value: 0.0,
                text: "0".into(),
                muted: false,
            }],
            Axis::Share,
            "empty",
        )
        .unwrap();
        assert!(svg.contains("Nobody"));
        assert!(svg.starts_with("<svg class=\"chart\""));
    }
}
