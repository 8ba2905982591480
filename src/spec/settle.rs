//! Settling networks: pools of named units joined by symmetric weights. They do not learn; they
//! settle, cycle by cycle, from external input (interactive activation and competition, the
//! handbook's iac) or toward a maximum of goodness (constraint satisfaction, its cs).

use super::{finite, RonPath, RonSource};
use crate::error::{read_text, Diagnostic, Error, Position, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Settling")]
pub struct SettlingSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Pools of units, each unit named (names are unique over the whole network).
    #[serde(default)]
    pub pools: Vec<PoolSpec>,
    /// Pools and connections built from a table, one instance unit per row.
    #[serde(default)]
    pub table: Option<TableSpec>,
    /// Symmetric connections `(unit, unit, weight)`; a pool's name stands for all its units.
    #[serde(default)]
    pub connections: Vec<(String, String, f64)>,
    /// The weight between every two units of the same pool (IAC: -1, mutual inhibition).
    #[serde(default)]
    pub within_pools: f64,
    /// Biases by unit (or pool) name.
    #[serde(default)]
    pub bias: BTreeMap<String, f64>,
    pub update: Update,
    /// External input by unit (or pool) name, scaled by estr.
    #[serde(default)]
    pub input: BTreeMap<String, f64>,
    /// Units held at a value: they do not update.
    #[serde(default)]
    pub clamp: BTreeMap<String, f64>,
    #[serde(default)]
    pub start: Start,
    /// Cycles that `e` and `pdp run` settle for when not told otherwise.
    #[serde(default = "default_cycles")]
    pub cycles: usize,
    /// Seeds the update order, the stochastic units and a random start.
    #[serde(default)]
    pub seed: u64,
    /// Units plotted over cycles; by default the units with input and each pool's leader.
    #[serde(default)]
    pub watch: Vec<String>,
}

fn default_cycles() -> usize {
    100
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Pool")]
pub struct PoolSpec {
    pub name: String,
    pub units: Vec<String>,
}

/// A table read into pools: the `name` column's values become a pool of name units, each row
/// an instance unit (named `_` + its name) in the pool `instances`, and every other column a
/// pool of its distinct values. Each instance unit and the units of its row excite each other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Table")]
pub struct TableSpec {
    /// A CSV file with a header line, relative to the network file.
    pub path: String,
    #[serde(default = "default_name_column")]
    pub name: String,
    #[serde(default = "default_instances")]
    pub instances: String,
    #[serde(default = "one")]
    pub weight: f64,
}

fn default_name_column() -> String {
    "name".into()
}
fn default_instances() -> String {
    "instances".into()
}
fn one() -> f64 {
    1.0
}

/// How units update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "UpdateFile", into = "UpdateFile")]
pub enum Update {
    /// Interactive activation and competition: every unit at once, each cycle.
    Iac(IacParams),
    /// Constraint satisfaction with continuous units in 0..1 (the handbook's schema model),
    /// one randomly ordered unit at a time.
    Schema(CsParams),
    /// Binary units, on when their net input is positive, one at a time (Hopfield).
    Hopfield(CsParams),
    /// Binary stochastic units, on with probability logistic(net / T), one at a time.
    Boltzmann(BoltzmannParams),
}

/// `Update` as written: struct variants, so that a file says `Iac(alpha: 0.2)`, with every
/// field defaulted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
enum UpdateFile {
    Iac {
        #[serde(default = "iac_max")]
        max: f64,
        #[serde(default = "iac_min")]
        min: f64,
        #[serde(default = "iac_rest")]
        rest: f64,
        #[serde(default = "iac_tenth")]
        decay: f64,
        #[serde(default = "iac_tenth")]
        alpha: f64,
        #[serde(default = "iac_tenth")]
        gamma: f64,
        #[serde(default = "iac_estr")]
        estr: f64,
    },
    Schema {
        #[serde(default = "one")]
        istr: f64,
        #[serde(default = "one")]
        estr: f64,
    },
    Hopfield {
        #[serde(default = "one")]
        istr: f64,
        #[serde(default = "one")]
        estr: f64,
    },
    Boltzmann {
        #[serde(default = "one")]
        istr: f64,
        #[serde(default = "one")]
        estr: f64,
        #[serde(default = "constant_temperature")]
        anneal: Vec<(usize, f64)>,
    },
}

fn iac_max() -> f64 {
    IacParams::default().max
}
fn iac_min() -> f64 {
    IacParams::default().min
}
fn iac_rest() -> f64 {
    IacParams::default().rest
}
fn iac_tenth() -> f64 {
    0.1
}
fn iac_estr() -> f64 {
    IacParams::default().estr
}
fn constant_temperature() -> Vec<(usize, f64)> {
    BoltzmannParams::default().anneal
}

impl From<UpdateFile> for Update {
    fn from(f: UpdateFile) -> Update {
        match f {
            UpdateFile::Iac {
                max,
                min,
                rest,
                decay,
                alpha,
                gamma,
                estr,
            } => Update::Iac(IacParams {
                max,
                min,
                rest,
                decay,
                alpha,
                gamma,
                estr,
            }),
            UpdateFile::Schema { istr, estr } => Update::Schema(CsParams { istr, estr }),
            UpdateFile::Hopfield { istr, estr } => Update::Hopfield(CsParams { istr, estr }),
            UpdateFile::Boltzmann { istr, estr, anneal } => {
                Update::Boltzmann(BoltzmannParams { istr, estr, anneal })
            }
        }
    }
}

impl From<Update> for UpdateFile {
    fn from(u: Update) -> UpdateFile {
        match u {
            Update::Iac(p) => UpdateFile::Iac {
                max: p.max,
                min: p.min,
                rest: p.rest,
                decay: p.decay,
                alpha: p.alpha,
                gamma: p.gamma,
                estr: p.estr,
            },
            Update::Schema(p) => UpdateFile::Schema {
                istr: p.istr,
                estr: p.estr,
            },
            Update::Hopfield(p) => UpdateFile::Hopfield {
                istr: p.istr,
                estr: p.estr,
            },
            Update::Boltzmann(p) => UpdateFile::Boltzmann {
                istr: p.istr,
                estr: p.estr,
                anneal: p.anneal,
            },
        }
    }
}

impl Update {
    pub fn name(&self) -> &'static str {
        match self {
            Update::Iac(_) => "iac",
            Update::Schema(_) => "schema",
            Update::Hopfield(_) => "hopfield",
            Update::Boltzmann(_) => "boltzmann",
        }
    }

    /// Whether units update one at a time in a random order (constraint satisfaction).
    pub fn asynchronous(&self) -> bool {
        !matches!(self, Update::Iac(_))
    }

    /// (istr, estr) of a constraint-satisfaction rule.
    pub fn strengths(&self) -> (f64, f64) {
        match self {
            Update::Iac(p) => (1.0, p.estr),
            Update::Schema(p) | Update::Hopfield(p) => (p.istr, p.estr),
            Update::Boltzmann(p) => (p.istr, p.estr),
        }
    }

    /// The range of an activation.
    pub fn range(&self) -> (f64, f64) {
        match self {
            Update::Iac(p) => (p.min, p.max),
            _ => (0.0, 1.0),
        }
    }
}

/// The handbook's IAC parameters, with its defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct IacParams {
    pub max: f64,
    pub min: f64,
    pub rest: f64,
    pub decay: f64,
    /// Scales excitatory input.
    pub alpha: f64,
    /// Scales inhibitory input.
    pub gamma: f64,
    /// Scales external input.
    pub estr: f64,
}

impl Default for IacParams {
    fn default() -> Self {
        IacParams {
            max: 1.0,
            min: -0.2,
            rest: -0.1,
            decay: 0.1,
            alpha: 0.1,
            gamma: 0.1,
            estr: 0.4,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CsParams {
    /// Scales the weights and biases (internal input).
    pub istr: f64,
    /// Scales external input.
    pub estr: f64,
}

impl Default for CsParams {
    fn default() -> Self {
        CsParams {
            istr: 1.0,
            estr: 1.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BoltzmannParams {
    pub istr: f64,
    pub estr: f64,
    /// The annealing schedule: (cycle, temperature) points, linear between them; the last
    /// temperature holds after the last point.
    pub anneal: Vec<(usize, f64)>,
}

impl Default for BoltzmannParams {
    fn default() -> Self {
        BoltzmannParams {
            istr: 1.0,
            estr: 1.0,
            anneal: vec![(0, 1.0)],
        }
    }
}

impl BoltzmannParams {
    /// The temperature during cycle `cycle` (0-based).
    pub fn temperature(&self, cycle: usize) -> f64 {
        let a = &self.anneal;
        match a.iter().position(|&(c, _)| c > cycle) {
            None => a.last().map_or(1.0, |p| p.1),
            Some(0) => a[0].1,
            Some(i) => {
                let ((c0, t0), (c1, t1)) = (a[i - 1], a[i]);
                t0 + (t1 - t0) * (cycle - c0) as f64 / (c1 - c0) as f64
            }
        }
    }
}

/// Where activations start (and return to on reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Start {
    /// IAC units at rest; constraint-satisfaction units at 0.
    #[default]
    Rest,
    /// Each unit drawn from the seed: uniform over its range, or 0/1 for binary units.
    Random,
}

/// A pool of the built network: its name and its units' indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub name: String,
    pub units: std::ops::Range<usize>,
}

/// A validated settling network: units, pools, and dense weights (rows receive).
#[derive(Debug, Clone)]
pub struct Layout {
    pub units: Vec<String>,
    pub pools: Vec<Pool>,
    pub pool_of: Vec<usize>,
    /// `weights[i * n + j]`: the weight from unit j to unit i (symmetric).
    pub weights: Vec<f64>,
    pub bias: Vec<f64>,
    pub input: Vec<f64>,
    pub clamp: Vec<Option<f64>>,
    pub watch: Vec<usize>,
}

impl Layout {
    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn unit_index(&self, name: &str) -> Option<usize> {
        self.units.iter().position(|u| u == name)
    }

    /// The units a name stands for: one unit, or every unit of a pool.
    pub fn resolve(&self, name: &str) -> Option<Vec<usize>> {
        if let Some(u) = self.unit_index(name) {
            return Some(vec![u]);
        }
        self.pools
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.units.clone().collect())
    }

    pub fn weight(&self, to: usize, from: usize) -> f64 {
        self.weights[to * self.units.len() + from]
    }
}

impl SettlingSpec {
    /// Checks the file and builds its units and weights; reads the table it names.
    pub fn validate(&self, src: &RonSource) -> Result<Layout> {
        let root = RonPath::new();
        if self.name.trim().is_empty() {
            return Err(src.error_at(&root.field("name"), "the network needs a name"));
        }
        let mut pools: Vec<(String, Vec<String>, RonPath)> = Vec::new();
        let mut links: Vec<(String, String, f64)> = Vec::new();
        if let Some(t) = &self.table {
            read_table(src, t, &mut pools, &mut links)?;
        }
        for (i, p) in self.pools.iter().enumerate() {
            let at = root.field("pools").index(i);
            if p.units.is_empty() {
                return Err(src.error_at(
                    &at.field("units"),
                    format!("pool `{}` has no units", p.name),
                ));
            }
            pools.push((p.name.clone(), p.units.clone(), at));
        }
        if pools.is_empty() {
            return Err(src.error_at(
                &root.field("pools"),
                "the network has no units: give it pools, or a table",
            ));
        }
        let mut units: Vec<String> = Vec::new();
        let mut layout_pools = Vec::new();
        let mut pool_of = Vec::new();
        let mut names: HashMap<String, &'static str> = HashMap::new();
        for (pi, (name, members, at)) in pools.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(src.error_at(&at.field("name"), "a pool needs a name"));
            }
            if names.insert(name.clone(), "pool").is_some() {
                return Err(src.error_at(
                    &at.field("name"),
                    format!("the name `{name}` is used twice"),
                ));
            }
            let start = units.len();
            for (ui, u) in members.iter().enumerate() {
                if u.trim().is_empty() {
                    return Err(src.error_at(&at.field("units").index(ui), "a unit needs a name"));
                }
                if names.insert(u.clone(), "unit").is_some() {
                    return Err(src.error_at(
                        &at.field("units").index(ui),
                        format!(
                            "the name `{u}` is used twice (unit and pool names are one namespace)"
                        ),
                    ));
                }
                units.push(u.clone());
                pool_of.push(pi);
            }
            layout_pools.push(Pool {
                name: name.clone(),
                units: start..units.len(),
            });
        }
        let n = units.len();
        let mut layout = Layout {
            units,
            pools: layout_pools,
            pool_of,
            weights: vec![0.0; n * n],
            bias: vec![0.0; n],
            input: vec![0.0; n],
            clamp: vec![None; n],
            watch: Vec::new(),
        };
        finite(
            src,
            &root.field("within_pools"),
            "within_pools",
            self.within_pools,
        )?;
        for i in 0..n {
            for j in 0..n {
                if i != j && layout.pool_of[i] == layout.pool_of[j] {
                    layout.weights[i * n + j] = self.within_pools;
                }
            }
        }
        let lookup = |name: &str, at: &RonPath, key: bool| -> Result<Vec<usize>> {
            layout.resolve(name).ok_or_else(|| {
                let msg = format!("no unit or pool `{name}`{}", suggestion(name, &layout));
                if key {
                    src.error_at_key(at, msg)
                } else {
                    src.error_at(at, msg)
                }
            })
        };
        let mut set_links: Vec<(Vec<usize>, Vec<usize>, f64)> = Vec::new();
        for (a, b, w) in &links {
            let a = layout.resolve(a).expect("table units exist");
            let b = layout.resolve(b).expect("table units exist");
            set_links.push((a, b, *w));
        }
        for (i, (a, b, w)) in self.connections.iter().enumerate() {
            let at = root.field("connections").index(i);
            let ua = lookup(a, &at.index(0), false)?;
            let ub = lookup(b, &at.index(1), false)?;
            finite(src, &at.index(2), "a weight", *w)?;
            if ua.iter().any(|u| ub.contains(u)) {
                return Err(src.error_at(&at, "a unit cannot connect to itself"));
            }
            set_links.push((ua, ub, *w));
        }
        let mut weights = layout.weights.clone();
        for (a, b, w) in set_links {
            for &i in &a {
                for &j in &b {
                    weights[i * n + j] = w;
                    weights[j * n + i] = w;
                }
            }
        }
        let by_name = |map: &BTreeMap<String, f64>,
                       field: &str,
                       out: &mut dyn FnMut(usize, f64)|
         -> Result<()> {
            for (name, v) in map {
                let at = root.field(field).field(name);
                let us = lookup(name, &at, true)?;
                finite(src, &at, field, *v)?;
                for u in us {
                    out(u, *v);
                }
            }
            Ok(())
        };
        let (mut bias, mut input, mut clamp) = (
            layout.bias.clone(),
            layout.input.clone(),
            layout.clamp.clone(),
        );
        by_name(&self.bias, "bias", &mut |u, v| bias[u] = v)?;
        by_name(&self.input, "input", &mut |u, v| input[u] = v)?;
        by_name(&self.clamp, "clamp", &mut |u, v| clamp[u] = Some(v))?;
        let mut watch = Vec::new();
        for (i, name) in self.watch.iter().enumerate() {
            for u in lookup(name, &root.field("watch").index(i), false)? {
                if !watch.contains(&u) {
                    watch.push(u);
                }
            }
        }
        layout.weights = weights;
        layout.bias = bias;
        layout.input = input;
        layout.clamp = clamp;
        layout.watch = watch;
        self.validate_update(src)?;
        if self.cycles == 0 {
            return Err(src.error_at(&root.field("cycles"), "cycles must be at least 1"));
        }
        Ok(layout)
    }

    fn validate_update(&self, src: &RonSource) -> Result<()> {
        let at = RonPath::new().field("update");
        match &self.update {
            Update::Iac(p) => {
                for (name, v) in [
                    ("max", p.max),
                    ("min", p.min),
                    ("rest", p.rest),
                    ("decay", p.decay),
                    ("alpha", p.alpha),
                    ("gamma", p.gamma),
                    ("estr", p.estr),
                ] {
                    finite(src, &at.field(name), name, v)?;
                }
                if !(p.min <= p.rest && p.rest <= p.max && p.min < p.max) {
                    return Err(src.error_at(&at, "IAC needs min <= rest <= max, and min < max"));
                }
            }
            Update::Schema(p) | Update::Hopfield(p) => {
                finite(src, &at.field("istr"), "istr", p.istr)?;
                finite(src, &at.field("estr"), "estr", p.estr)?;
            }
            Update::Boltzmann(p) => {
                finite(src, &at.field("istr"), "istr", p.istr)?;
                finite(src, &at.field("estr"), "estr", p.estr)?;
                let a = at.field("anneal");
                if p.anneal.is_empty() {
                    return Err(
                        src.error_at(&a, "the schedule needs at least one (cycle, temperature)")
                    );
                }
                for (i, &(c, t)) in p.anneal.iter().enumerate() {
                    if !(t.is_finite() && t > 0.0) {
                        return Err(
                            src.error_at(&a.index(i).index(1), "a temperature must be above 0")
                        );
                    }
                    if i > 0 && c <= p.anneal[i - 1].0 {
                        return Err(src.error_at(
                            &a.index(i).index(0),
                            "the schedule's cycles must increase",
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// ", did you mean `X`?" for a name one letter-case away from a unit, else nothing.
fn suggestion(name: &str, layout: &Layout) -> String {
    let lower = name.to_lowercase();
    layout
        .units
        .iter()
        .chain(layout.pools.iter().map(|p| &p.name))
        .find(|u| u.to_lowercase() == lower)
        .map_or(String::new(), |u| format!(": did you mean `{u}`?"))
}

/// Reads a table into pools (name pool, instance pool, one pool per other column) and the
/// links between each instance unit and the units of its row.
fn read_table(
    src: &RonSource,
    t: &TableSpec,
    pools: &mut Vec<(String, Vec<String>, RonPath)>,
    links: &mut Vec<(String, String, f64)>,
) -> Result<()> {
    let at = RonPath::new().field("table");
    finite(src, &at.field("weight"), "weight", t.weight)?;
    let path = src.resolve(&t.path);
    let text = read_text(&path).map_err(|e| match e {
        Error::File(d) if d.position.is_none() => src.error_at(
            &at.field("path"),
            format!("{}: {}", d.file.display(), d.message),
        ),
        other => other,
    })?;
    let csv_error = |line: usize, msg: String| {
        Error::file(Diagnostic::at(
            &path,
            &text,
            Position { line, column: 1 },
            msg,
        ))
    };
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = rows.next() else {
        return Err(Error::file(Diagnostic::whole_file(
            &path,
            "the CSV file is empty",
        )));
    };
    let header: Vec<String> = crate::data::split_csv_line(header)
        .into_iter()
        .map(|f| f.1)
        .collect();
    let Some(name_col) = header.iter().position(|h| *h == t.name) else {
        return Err(src.error_at(
            &at.field("name"),
            format!(
                "no column `{}` in {} (its columns are {})",
                t.name,
                path.display(),
                header.join(", ")
            ),
        ));
    };
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    let mut instances = Vec::new();
    for (line, row) in rows {
        let fields: Vec<String> = crate::data::split_csv_line(row)
            .into_iter()
            .map(|f| f.1)
            .collect();
        if fields.len() != header.len() {
            return Err(csv_error(
                line + 1,
                format!(
                    "this row has {} fields; the header has {}",
                    fields.len(),
                    header.len()
                ),
            ));
        }
        let name = &fields[name_col];
        if name.is_empty() {
            return Err(csv_error(
                line + 1,
                format!("the `{}` column is empty", t.name),
            ));
        }
        let instance = format!("_{name}");
        for (c, v) in fields.iter().enumerate() {
            if v.is_empty() {
                continue; // an unknown property: no unit, no link
            }
            if c == name_col && columns[c].contains(v) {
                return Err(csv_error(
                    line + 1,
                    format!("the name `{v}` is on two rows"),
                ));
            }
            if !columns[c].contains(v) {
                columns[c].push(v.clone());
            }
            links.push((instance.clone(), v.clone(), t.weight));
        }
        instances.push(instance);
    }
    pools.push((t.name.clone(), columns[name_col].clone(), at.field("name")));
    pools.push((t.instances.clone(), instances, at.field("instances")));
    for (c, values) in columns.into_iter().enumerate() {
        if c != name_col {
            pools.push((header[c].clone(), values, at.field("path")));
        }
    }
    Ok(())
}
