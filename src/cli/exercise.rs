//! `pdp exercise NAME [--check]` and `pdp exercise --all --check`: an exercise's checkable
//! claims, run headless, so that a teacher can verify a course in one command.

use pdp::claims::{Claim, EXERCISES};
use pdp::error::Result;
use pdp::Error;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ExerciseArgs {
    /// The exercise (its page in docs/exercises/ without `.md`)
    name: Option<String>,
    /// Run the exercise's checkable claims headless: exit 0 only if every one holds
    #[arg(long)]
    check: bool,
    /// Every shipped exercise (with --check)
    #[arg(long, conflicts_with = "name")]
    all: bool,
}

fn names() -> String {
    EXERCISES.iter().map(|e| e.0).collect::<Vec<_>>().join(", ")
}

pub fn run(a: &ExerciseArgs) -> Result<()> {
    let networks = pdp::tui::networks_dir();
    let chosen: Vec<_> = match (&a.name, a.all) {
        (_, true) => EXERCISES.iter().collect(),
        (Some(n), false) => match EXERCISES.iter().find(|e| e.0 == n) {
            Some(e) => vec![e],
            None => {
                return Err(Error::Usage(format!(
                    "no exercise `{n}`; the exercises are {}",
                    names()
                )))
            }
        },
        (None, false) => {
            return Err(Error::Usage(format!(
                "name an exercise ({}), or give --all --check",
                names()
            )))
        }
    };
    if !a.check {
        if a.all {
            return Err(Error::Usage(
                "--all checks every exercise: add --check".into(),
            ));
        }
        // Open the exercise (its steps beside its network), or its network if it has no file.
        let file = pdp::tui::exercise::exercises_dir().join(format!("{}.ron", chosen[0].0));
        let path: PathBuf = if file.is_file() {
            file
        } else {
            networks.join(format!("{}.ron", chosen[0].1))
        };
        return super::tui(path, None);
    }
    let mut failed = 0;
    let mut total = 0;
    for (name, _, check) in chosen {
        let claims: Vec<Claim> = check(&networks)?;
        let held = claims.iter().filter(|c| c.holds).count();
        println!("{name}: {held} of {} claims hold", claims.len());
        for c in &claims {
            println!(
                "  {} {}\n      {}",
                if c.holds { "✓" } else { "✗" },
                c.text,
                c.detail
            );
        }
        total += claims.len();
        failed += claims.len() - held;
    }
    if failed > 0 {
        Err(Error::Usage(format!(
            "{failed} of {total} claims do not hold"
        )))
    } else {
        Ok(())
    }
}
