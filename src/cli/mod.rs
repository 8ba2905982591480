//! Command-line parsing and the commands. Every command returns a `pdp::Result`, and `run`
//! turns it into the contract's exit codes: 0 success, 1 a user error, 2 an internal one.

mod check;
mod eval;
mod exercise;
mod figure;
mod inspect;
mod run;
mod train;

use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pdp",
    version,
    about = "A workbench for parallel distributed processing: step neural networks one tick at a time",
    long_about = "A workbench for parallel distributed processing. With no arguments, opens the \
        workbench on a picker of the shipped networks; with a network file, opens that network.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A network file to open in the workbench
    network: Option<PathBuf>,
    /// Start the network from saved weights
    #[arg(long, value_name = "W", requires = "network")]
    weights: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Open a network in the workbench (the same as `pdp NET.ron`)
    Tui {
        network: PathBuf,
        #[arg(long, value_name = "W")]
        weights: Option<PathBuf>,
    },
    /// Validate network, pattern and weight files
    Check {
        /// Files to check; weight files are checked against a network named beside them
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Train a network headless, one line per epoch
    Train(train::TrainArgs),
    /// Run every pattern of a set through a network and report its output and error
    Eval(eval::EvalArgs),
    /// Analyse a layer's hidden representations: rsa, confusion, pca, cluster, hinton, activations
    Inspect(inspect::InspectArgs),
    /// Settle a network that does not learn (interactive activation, constraint satisfaction)
    /// and print its activations by pool
    Run(run::RunArgs),
    /// Check an exercise's claims headless (--check; --all --check for every one), or open
    /// its network
    Exercise(exercise::ExerciseArgs),
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(1),
            };
        }
    };
    let result = match cli.command {
        None => match cli.network {
            Some(path) => tui(path, cli.weights),
            None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => {
                pdp::tui::run(pdp::tui::Start::Picker(pdp::tui::networks_dir()))
            }
            None => {
                use clap::CommandFactory;
                let _ = Cli::command().print_help();
                Ok(())
            }
        },
        Some(Command::Tui { network, weights }) => tui(network, weights),
        Some(Command::Check { files }) => check::run(&files),
        Some(Command::Train(args)) => train::run(&args),
        Some(Command::Eval(args)) => eval::run(&args),
        Some(Command::Inspect(args)) => inspect::run(&args),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Exercise(args)) => exercise::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn tui(path: PathBuf, weights: Option<PathBuf>) -> pdp::Result<()> {
    // The files first, so that a bad one gets `pdp check`'s message with or without a screen.
    let app = pdp::tui::app_for(pdp::tui::Start::Network { path, weights })?;
    if !std::io::stdout().is_terminal() {
        return Err(pdp::Error::Usage(
            "the workbench needs a terminal; `pdp train` and `pdp eval` run without one".into(),
        ));
    }
    pdp::tui::run_app(app)
}

/// Opens a network and, if given, starts it from saved weights.
fn open(
    net: &std::path::Path,
    weights: Option<&std::path::Path>,
) -> pdp::Result<pdp::sim::Trainer> {
    let mut t = pdp::sim::Trainer::open(net)?;
    if let Some(w) = weights {
        t.load_weights(w)?;
    }
    Ok(t)
}

/// Changes to a network made on the command line, as the workbench's `:set` and `:patterns`.
#[derive(clap::Args)]
pub struct Overrides {
    /// Change a training parameter as the workbench's `:set` does: `lrate=0.05`, `rule=delta`;
    /// repeatable
    #[arg(long, value_name = "NAME=VALUE")]
    param: Vec<String>,
    /// Use this pattern file as the training set instead of the one the network names
    #[arg(long, value_name = "FILE")]
    train: Option<PathBuf>,
    /// Use this pattern file as the test set instead
    #[arg(long, value_name = "FILE")]
    test: Option<PathBuf>,
}

impl Overrides {
    fn apply(&self, t: &mut pdp::sim::Trainer) -> pdp::Result<()> {
        for s in &self.param {
            let Some((name, value)) = s.split_once('=') else {
                return Err(pdp::Error::Usage(format!("--param {s}: write NAME=VALUE")));
            };
            let regroup = pdp::spec::settings::set(&mut t.spec.training, name, value)
                .map_err(|e| pdp::Error::Usage(format!("--param {s}: {e}")))?;
            if regroup {
                t.set_block_limit(pdp::sim::MAX_BLOCK);
            }
        }
        if let Some(p) = &self.train {
            t.use_patterns(pdp::sim::SetKind::Train, p)?;
        }
        if let Some(p) = &self.test {
            t.use_patterns(pdp::sim::SetKind::Test, p)?;
        }
        Ok(())
    }
}
