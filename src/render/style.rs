//! What the PDF, DOCX and XLSX share about looks: the page and type sizes of
//! each [`Typography`] and the colour and print pattern of each [`State`].

use serde::Serialize;

use crate::campaign::config::Typography;
use crate::model::State;

/// Page geometry and type sizes, in millimetres and points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Page margins: top, bottom, left, right (mm).
    pub margins_mm: [f64; 4],
    pub title_pt: f64,
    /// Body text and both heading levels.
    pub body_pt: f64,
    /// The distance from one body line to the next.
    pub line_pitch_pt: f64,
    /// Tables, photo captions.
    pub table_pt: f64,
    pub caption_pt: f64,
    /// Page numbers: "— 1 —".
    pub page_number_pt: f64,
    /// The page number's baseline below the text block (mm).
    pub page_number_gap_mm: f64,
    /// Photos per row of a grid.
    pub photo_columns: usize,
}

/// The sizes of a typography.
pub fn metrics(typography: Typography) -> Metrics {
    match typography {
        // GB/T 9704-2012: A4, text block 156 × 225 mm (top 37, left 28),
        // 2号 title (22 pt), 3号 body (16 pt), 22 lines a page, page
        // numbers in 4号 7 mm under the text block.
        Typography::Gongwen => Metrics {
            margins_mm: [37.0, 35.0, 28.0, 26.0],
            title_pt: 22.0,
            body_pt: 16.0,
            line_pitch_pt: 225.0 / 22.0 / 25.4 * 72.0,
            table_pt: 10.5,
            caption_pt: 9.0,
            page_number_pt: 14.0,
            page_number_gap_mm: 7.0,
            photo_columns: 3,
        },
        Typography::Compact => Metrics {
            margins_mm: [25.0, 25.0, 22.0, 22.0],
            title_pt: 18.0,
            body_pt: 10.5,
            line_pitch_pt: 18.0,
            table_pt: 9.0,
            caption_pt: 8.0,
            page_number_pt: 10.5,
            page_number_gap_mm: 6.0,
            photo_columns: 3,
        },
    }
}

/// How a state is drawn where colour is used (status cells, the chart) and
/// how it still reads printed in black and white: its label always, and in
/// the chart a pattern over the colour.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Look {
    /// Strong colour (chart bars, legend), "RRGGBB".
    pub fill: &'static str,
    /// Pale ground for a table cell, "RRGGBB".
    pub tint: &'static str,
    /// Whether text on `fill` is white.
    pub light_ink: bool,
    pub pattern: Pattern,
}

/// A print pattern drawn over a chart bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    None,
    /// Lines rising to the right.
    Diagonal,
    /// Crossed diagonal lines.
    Cross,
    Dots,
    Horizontal,
}

/// The look of a state: overdue red, late orange, incomplete and invalid
/// amber, on time green, not yet due neutral, exempt blue-grey.
pub fn look(state: State) -> Look {
    match state {
        State::Overdue => Look {
            fill: "C62828",
            tint: "F6D5D5",
            light_ink: true,
            pattern: Pattern::Cross,
        },
        State::Late => Look {
            fill: "E8710A",
            tint: "FCE2C9",
            light_ink: true,
            pattern: Pattern::Diagonal,
        },
        State::Incomplete => Look {
            fill: "F2B705",
            tint: "FFF0BF",
            light_ink: false,
            pattern: Pattern::Dots,
        },
        State::Invalid => Look {
            fill: "F2B705",
            tint: "FFF0BF",
            light_ink: false,
            pattern: Pattern::Horizontal,
        },
        State::OnTime => Look {
            fill: "2E7D32",
            tint: "DCEFD9",
            light_ink: true,
            pattern: Pattern::None,
        },
        State::Pending => Look {
            fill: "D9D9D9",
            tint: "FFFFFF",
            light_ink: false,
            pattern: Pattern::None,
        },
        // Not owed: a quiet blue-grey, darker than 待报送 in grey print.
        State::Exempt => Look {
            fill: "90A4AE",
            tint: "ECEFF1",
            light_ink: false,
            pattern: Pattern::None,
        },
    }
}

/// The shading of table header rows.
pub const HEADER_FILL: &str = "E7E6E6";

/// 1 → 一, 12 → 十二, 23 → 二十三: the numbers of （一） headings.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let ones = if n.is_multiple_of(10) {
        ""
    } else {
        DIGITS[n % 10]
    };
    match n {
        0..10 => DIGITS[n].to_owned(),
        10..20 => format!("十{ones}"),
        20..100 => format!("{}十{ones}", DIGITS[n / 10]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        let got: Vec<String> = [1, 9, 10, 11, 20, 23, 120].map(chinese_number).to_vec();
        assert_eq!(got, ["一", "九", "十", "十一", "二十", "二十三", "120"]);
    }

    #[test]
    fn states_that_need_action_never_share_both_colour_and_pattern() {
        for a in State::ALL {
            for b in State::ALL {
                if a != b {
                    let (la, lb) = (look(a), look(b));
                    assert!(
                        la.fill != lb.fill || la.pattern != lb.pattern,
                        "{a:?} {b:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_gongwen_text_block_holds_22_lines() {
        let m = metrics(Typography::Gongwen);
        let block_mm = 297.0 - m.margins_mm[0] - m.margins_mm[1];
        assert_eq!(block_mm, 225.0);
        assert!((block_mm / 25.4 * 72.0 / m.line_pitch_pt - 22.0).abs() < 1e-9);
        assert_eq!(210.0 - m.margins_mm[2] - m.margins_mm[3], 156.0);
    }
}
