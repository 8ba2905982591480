//! The plots panel: error and accuracy per epoch, train and test; for networks in time, the
//! error at each recent step.

use super::panel_block;
use crate::spec::Loss;
use crate::tui::app::Workbench;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};
use ratatui::Frame;

pub fn render(f: &mut Frame, area: Rect, w: &Workbench, focused: bool) {
    let h = &w.sim.history;
    let measure = match w.sim.spec.training.loss {
        Loss::SumSquared => "tss",
        Loss::CrossEntropy => "loss",
    };
    let rule = w.sim.spec.training.rule;
    // Networks in time plot the error at each recent step beside the epochs' (accuracy when
    // there are no recent steps to plot).
    let steps = recent_steps(w);
    let block = if steps.is_some() {
        panel_block(format!("{measure} per epoch, pss by step"), focused)
    } else if rule.is_local() && rule.supervised() {
        panel_block(format!("{measure}, ndp and vcor per epoch"), focused)
    } else {
        panel_block(format!("{measure} and accuracy per epoch"), focused)
    };
    let inner = block.inner(area);
    f.render_widget(block, area);
    if h.is_empty() {
        match steps {
            Some(points) => step_chart(f, inner, &points),
            None => f.render_widget(
                Paragraph::new("No epoch yet: e trains one, space runs."),
                inner,
            ),
        }
        return;
    }
    let pts = |f: &dyn Fn(&crate::sim::EpochReport) -> Option<f64>| -> Vec<(f64, f64)> {
        h.iter()
            .filter_map(|r| f(r).map(|v| (r.epoch as f64, v)))
            .collect()
    };
    let train_loss = pts(&|r| Some(r.loss));
    // The schedule's evaluated sets, each its own line.
    let set_names: Vec<String> = h.last().map_or(Vec::new(), |r| {
        r.sets.iter().map(|s| s.name.clone()).collect()
    });
    let set_loss: Vec<Vec<(f64, f64)>> = (0..set_names.len())
        .map(|k| pts(&|r: &crate::sim::EpochReport| r.sets.get(k).map(|s| s.loss)))
        .collect();
    let test_loss = pts(&|r| r.test_loss);
    let train_acc = pts(&|r| r.train_accuracy);
    let test_acc = pts(&|r| r.test_accuracy);
    let ndp = pts(&|r| r.ndp);
    let vcor = pts(&|r| r.vcor);
    let parts = if inner.width >= 70 {
        Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
            .split(inner)
    } else {
        Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
            .split(inner)
    };
    let x_max = (h.last().map_or(1, |r| r.epoch) as f64).max(1.0);
    let x_min = (h.first().map_or(0, |r| r.epoch) as f64)
        .min(x_max - 1.0)
        .max(0.0);
    // A line needs two points; until then, mark the one.
    let kind = if h.len() < 2 {
        GraphType::Scatter
    } else {
        GraphType::Line
    };
    let y_max = train_loss
        .iter()
        .chain(&test_loss)
        .chain(set_loss.iter().flatten())
        .map(|p| p.1)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let last = |v: &[(f64, f64)]| v.last().map_or(String::new(), |p| format!(" {:.4}", p.1));
    let mut sets = vec![Dataset::default()
        .name(format!("train{}", last(&train_loss)))
        .marker(Marker::Braille)
        .graph_type(kind)
        .style(Style::default().fg(Color::Cyan))
        .data(&train_loss)];
    const SET_COLOURS: [Color; 4] = [
        Color::LightGreen,
        Color::LightRed,
        Color::LightBlue,
        Color::White,
    ];
    for (k, (name, data)) in set_names.iter().zip(&set_loss).enumerate() {
        sets.push(
            Dataset::default()
                .name(format!("{name}{}", last(data)))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(SET_COLOURS[k % SET_COLOURS.len()]))
                .data(data),
        );
    }
    if !test_loss.is_empty() {
        sets.push(
            Dataset::default()
                .name(format!("test{}", last(&test_loss)))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(Color::Magenta))
                .data(&test_loss),
        );
    }
    let axis_x = || {
        Axis::default()
            .bounds([x_min, x_max])
            .labels([Span::raw(format!("{x_min}")), Span::raw(format!("{x_max}"))])
            .style(Style::default().fg(Color::DarkGray))
    };
    let chart = Chart::new(sets).x_axis(axis_x()).y_axis(
        Axis::default()
            .bounds([0.0, y_max])
            .labels([Span::raw("0"), Span::raw(format!("{y_max:.3}"))])
            .style(Style::default().fg(Color::DarkGray)),
    );
    f.render_widget(chart, parts[0]);
    if let Some(points) = steps {
        // Networks in time: the error at each recent step, the structure of a sequence.
        step_chart(f, parts[1], &points);
        return;
    }
    if !ndp.is_empty() {
        // The pattern associator's measures take the place of accuracy.
        let lo = ndp.iter().chain(&vcor).map(|p| p.1).fold(0.0f64, f64::min);
        let hi = ndp.iter().chain(&vcor).map(|p| p.1).fold(1.0f64, f64::max);
        let sets = vec![
            Dataset::default()
                .name(format!("ndp{}", last(&ndp)))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(Color::Green))
                .data(&ndp),
            Dataset::default()
                .name(format!("vcor{}", last(&vcor)))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(Color::Yellow))
                .data(&vcor),
        ];
        let chart = Chart::new(sets).x_axis(axis_x()).y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels([Span::raw(format!("{lo:.2}")), Span::raw(format!("{hi:.2}"))])
                .style(Style::default().fg(Color::DarkGray)),
        );
        f.render_widget(chart, parts[1]);
        return;
    }
    if train_acc.is_empty() && test_acc.is_empty() {
        return;
    }
    let mut sets = Vec::new();
    if !train_acc.is_empty() {
        sets.push(
            Dataset::default()
                .name(format!("train acc{}", last(&train_acc)))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(Color::Green))
                .data(&train_acc),
        );
    }
    if !test_acc.is_empty() {
        sets.push(
            Dataset::default()
                .name(format!("test acc{}", last(&test_acc)))
                .marker(Marker::Braille)
                .graph_type(kind)
                .style(Style::default().fg(Color::Yellow))
                .data(&test_acc),
        );
    }
    let chart = Chart::new(sets).x_axis(axis_x()).y_axis(
        Axis::default()
            .bounds([0.0, 1.0])
            .labels([Span::raw("0"), Span::raw("1")])
            .style(Style::default().fg(Color::DarkGray)),
    );
    f.render_widget(chart, parts[1]);
}

/// The error (pss) at each of the last steps trained, for a network in time: the last 60 of
/// a stream, or the steps so far of the block's first sequence. (step number, pss).
fn recent_steps(w: &Workbench) -> Option<Vec<(f64, f64)>> {
    let run = w.sim.seq.as_ref()?;
    let set = &w.sim.train;
    let (start, end) = if set.sequences.len() <= 1 {
        // At an epoch's end, the last steps of the epoch just trained.
        let end = match w.sim.epoch_position() {
            0 if !w.sim.history.is_empty() => set.len(),
            p => p.min(set.len()),
        };
        (end.saturating_sub(60), end)
    } else {
        let q = *run.block.first()?;
        let (s, n) = set.sequences[q];
        (s, s + run.offset.min(n))
    };
    let first = set
        .sequences
        .iter()
        .find(|q| start >= q.0 && start < q.0 + q.1)
        .map_or(0, |q| q.0);
    let points: Vec<(f64, f64)> = (start..end)
        .filter_map(|p| w.sim.pattern_errors[p].map(|e| ((p - first + 1) as f64, e.sse as f64)))
        .collect();
    (points.len() > 1).then_some(points)
}

/// The error at each recent step of a network in time.
fn step_chart(f: &mut Frame, area: Rect, points: &[(f64, f64)]) {
    let hi = points.iter().map(|p| p.1).fold(1e-6f64, f64::max);
    let lo_x = points.first().map_or(0.0, |p| p.0);
    let hi_x = points.last().map_or(1.0, |p| p.0).max(lo_x + 1.0);
    let sets = vec![Dataset::default()
        .name("pss by step")
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::default().fg(Color::Yellow))
        .data(points)];
    let chart = Chart::new(sets)
        .x_axis(
            Axis::default()
                .bounds([lo_x, hi_x])
                .labels([
                    Span::raw(format!("t={lo_x}")),
                    Span::raw(format!("t={hi_x}")),
                ])
                .style(Style::default().fg(Color::DarkGray)),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, hi])
                .labels([Span::raw("0"), Span::raw(format!("{hi:.3}"))])
                .style(Style::default().fg(Color::DarkGray)),
        );
    f.render_widget(chart, area);
}
