//! The theories a command line knows: registered by [`crate::App`], looked up by the name a
//! card or `pirk expand` gives. Each entry says what the CLI needs to know about its theory
//! (lattice dimensions, Wolff embedding) and carries the job code instantiated for its type, so
//! nothing is decided by comparing names.

mod embedding;
mod entry;

pub use embedding::{
    ClusterEmbedding, Embedding, PlanarEmbedding, WolffEmbedding, WolffObstacle, WolffTarget,
    refresh_theories,
};
pub use entry::Entry;

use crate::error::InputError;

/// Registered theories, in the order `theories` lists them.
#[derive(Debug, Default)]
pub struct Registry {
    entries: Vec<Entry>,
}

impl Registry {
    /// Adds `entry`; a second theory of the same name is a programming error.
    pub fn register(&mut self, entry: Entry) {
        assert!(
            self.entries.iter().all(|e| e.name != entry.name),
            "pirk_cli::App: theory name `{}` registered twice",
            entry.name
        );
        self.entries.push(entry);
    }

    /// The theory registered last, which `App::wolff` and `App::dimensions` describe.
    pub fn last_mut(&mut self, method: &str) -> &mut Entry {
        self.entries.last_mut().unwrap_or_else(|| {
            panic!("pirk_cli::App::{method}: register a theory first (App::theory)")
        })
    }

    /// The theory called `name`.
    pub fn find(&self, name: &str) -> Result<&Entry, InputError> {
        self.entries.iter().find(|e| e.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.entries.iter().map(|e| e.name).collect();
            InputError::new(format!(
                "unknown theory `{name}` (theories: {})",
                names.join(", ")
            ))
        })
    }

    /// Every theory, in registration order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}
