//! The numbers behind the focused view, as CSV.

use super::app::{Panel, Workbench};
use super::draw::shown_matrix;
use crate::sim::SetKind;

/// The CSV text of the focused panel, and what it holds.
pub fn csv(w: &Workbench) -> (String, String) {
    let s = &w.sim;
    let net = &s.net;
    if let Some(ins) = &w.inspect {
        return inspect_csv(ins.result(s, w.running()));
    }
    match w.focus {
        Panel::Network | Panel::Timeline => {
            let (act, col) = w.shown();
            let mut out = String::from("layer,unit,net_input,activation,delta\n");
            if act.cols > 0 {
                for &l in &net.order {
                    let a = act.column(&act.activation, l, col);
                    let z = act.column(&act.net_input, l, col);
                    let d = act.column(&act.delta, l, col);
                    for u in 0..a.len() {
                        out += &format!("{},{u},{},{},{}\n", net.layers[l].name, z[u], a[u], d[u]);
                    }
                }
            }
            (out, "the activations of the pattern shown".into())
        }
        Panel::Weights => {
            let p = &net.projections[w.projection];
            let name = s.params[p.param].name.clone();
            let mut out = String::new();
            if let Some(m) = shown_matrix(w, p.param) {
                for r in 0..m.nrows() {
                    let row: Vec<String> = (0..m.ncols()).map(|c| m[(r, c)].to_string()).collect();
                    out += &row.join(",");
                    out.push('\n');
                }
            }
            (out, format!("the matrix {name} (rows = receiving units)"))
        }
        Panel::Patterns => {
            let set = w.patterns.set;
            let mut out = String::from("index,pattern,label,sse,loss,correct\n");
            if let Some(ps) = s.set(set) {
                for i in 0..ps.len() {
                    let e = w.error_of(set, i);
                    let label = ps
                        .label(i)
                        .map(|l| ps.classes.get(l).cloned().unwrap_or_default())
                        .unwrap_or_default();
                    let f = |v: Option<String>| v.unwrap_or_default();
                    out += &format!(
                        "{i},{},{label},{},{},{}\n",
                        ps.name(i),
                        f(e.map(|e| e.sse.to_string())),
                        f(e.map(|e| e.loss.to_string())),
                        f(e.and_then(|e| e.correct).map(|c| c.to_string()))
                    );
                }
            }
            let which = if set == SetKind::Train {
                "training"
            } else {
                "test"
            };
            (out, format!("the {which} patterns' errors"))
        }
        Panel::Plots => {
            let mut out =
                String::from("epoch,loss,tss,train_accuracy,test_loss,test_accuracy,seconds\n");
            let o = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
            for r in &s.history {
                out += &format!(
                    "{},{},{},{},{},{},{}\n",
                    r.epoch,
                    r.loss,
                    o(r.tss),
                    o(r.train_accuracy),
                    o(r.test_loss),
                    o(r.test_accuracy),
                    r.seconds
                );
            }
            (out, "the per-epoch figures".into())
        }
    }
}

/// The inspect view's result as CSV.
fn inspect_csv(r: crate::tui::inspect::Computed) -> (String, String) {
    use crate::tui::inspect::Computed;
    match r {
        Computed::Matrix {
            title,
            values,
            rows,
            cols,
            ..
        } => (crate::analysis::matrix_csv(&values, &rows, &cols), title),
        Computed::Scatter {
            title,
            points,
            labels,
        } => {
            let mut out = String::from("item,pc1,pc2\n");
            for (p, l) in points.iter().zip(&labels) {
                out += &format!("{l},{},{}\n", p.0, p.1);
            }
            (out, title)
        }
        Computed::Tree { title, text } => (text, title),
        Computed::Nothing(why) => (String::new(), why),
    }
}
