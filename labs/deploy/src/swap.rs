//! The slot the served model lives in.
//!
//! A new model arrives (a promotion, a rollback) while requests are being
//! answered. Replacing it in place would make a request in flight finish
//! on half of one model and half of another; stopping the server would
//! drop requests. Instead the model lives behind a shared pointer: a
//! request takes its own reference to the current model when it starts
//! and keeps it to the end; a swap puts a new pointer in the slot. The old
//! model is freed when the last request holding it finishes.

use std::sync::{Arc, RwLock};

// ANCHOR: slot
/// The current model, or none, swapped whole.
#[derive(Debug)]
pub struct Slot<T> {
    current: RwLock<Option<Arc<T>>>,
}
// ANCHOR_END: slot

impl<T> Slot<T> {
    /// A slot holding `initial`. Given.
    pub fn new(initial: Option<T>) -> Self {
        Self {
            current: RwLock::new(initial.map(Arc::new)),
        }
    }

    // ANCHOR: load
    /// The current model, for one request to keep until it is answered.
    ///
    /// The lock is held only while the pointer is copied, never while a
    /// request is scored: a swap waits for no scoring. A lock poisoned by
    /// a panicking thread still holds a whole pointer, so use it.
    pub fn load(&self) -> Option<Arc<T>> {
        // BEGIN SOLUTION: copy the pointer out under a read lock
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard.clone()
        // END SOLUTION
    }
    // ANCHOR_END: load

    // ANCHOR: replace
    /// Puts `next` in the slot and gives back the model it replaces.
    ///
    /// Every [`Slot::load`] sees either the old model or `next`, never
    /// neither: the slot is never empty on the way from one to the other.
    pub fn replace(&self, next: T) -> Option<Arc<T>> {
        // BEGIN SOLUTION: make the new pointer before taking the lock,
        //   then exchange it for the old one in one step
        let next = Arc::new(next);
        let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
        guard.replace(next)
        // END SOLUTION
    }
    // ANCHOR_END: replace
}
