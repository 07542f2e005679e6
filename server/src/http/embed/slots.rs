//! How many widget state streams may be open: per token, per client address, and in this
//! process for every tenant together. Each open stream holds a [`Slot`], given back when the
//! stream ends however it ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::config::StreamSettings;
use crate::http::client::ClientAddress;

/// Why a stream was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// This token has its streams open already.
    Token,
    /// This address has its streams open already.
    Address,
    /// The process has all the streams it takes.
    Full,
}

#[derive(Debug, Default)]
struct Open {
    by_token: HashMap<String, u32>,
    /// Database looks made by a token's open streams, for as long as any is open.
    looks: HashMap<String, u64>,
    by_address: HashMap<ClientAddress, u32>,
    total: u32,
}

/// The open streams of this process.
#[derive(Debug)]
pub struct StreamSlots {
    settings: StreamSettings,
    open: Mutex<Open>,
}

/// One open stream's place; given back on drop.
#[derive(Debug)]
pub(crate) struct Slot {
    slots: Arc<StreamSlots>,
    token_id: String,
    address: Option<ClientAddress>,
}

impl StreamSlots {
    pub fn new(settings: StreamSettings) -> Arc<Self> {
        Arc::new(Self {
            settings,
            open: Mutex::new(Open::default()),
        })
    }

    /// How long one stream may last.
    pub(crate) fn lifetime(&self) -> std::time::Duration {
        self.settings.lifetime
    }

    /// Takes a place for a stream of `token_id` from `address`, if one is free.
    pub(crate) fn take(
        self: &Arc<Self>,
        token_id: &str,
        address: Option<ClientAddress>,
    ) -> Result<Slot, Refused> {
        let mut open = self.open.lock().expect("open streams");
        if open.total >= self.settings.max {
            return Err(Refused::Full);
        }
        if open.by_token.get(token_id).copied().unwrap_or(0) >= self.settings.per_token {
            return Err(Refused::Token);
        }
        if let Some(address) = address
            && open.by_address.get(&address).copied().unwrap_or(0) >= self.settings.per_address
        {
            return Err(Refused::Address);
        }
        open.total += 1;
        *open.by_token.entry(token_id.to_owned()).or_default() += 1;
        if let Some(address) = address {
            *open.by_address.entry(address).or_default() += 1;
        }
        Ok(Slot {
            slots: self.clone(),
            token_id: token_id.to_owned(),
            address,
        })
    }

    /// How many times the open streams of `token_id` have looked at the database.
    pub fn looks(&self, token_id: &str) -> u64 {
        self.open
            .lock()
            .expect("open streams")
            .looks
            .get(token_id)
            .copied()
            .unwrap_or(0)
    }

    /// How many streams are open now.
    pub(crate) fn open(&self) -> u32 {
        self.open.lock().expect("open streams").total
    }
}

impl Slot {
    /// Counts one look at the database by this stream.
    pub(crate) fn looked(&self) {
        let mut open = self.slots.open.lock().expect("open streams");
        *open.looks.entry(self.token_id.clone()).or_default() += 1;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .slots
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.by_token.get_mut(&self.token_id) {
            *count -= 1;
            if *count == 0 {
                open.by_token.remove(&self.token_id);
                open.looks.remove(&self.token_id);
            }
        }
        if let Some(address) = self.address
            && let Some(count) = open.by_address.get_mut(&address)
        {
            *count -= 1;
            if *count == 0 {
                open.by_address.remove(&address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(per_token: u32, per_address: u32, max: u32) -> Arc<StreamSlots> {
        StreamSlots::new(StreamSettings {
            per_token,
            per_address,
            max,
            ..StreamSettings::default()
        })
    }

    fn address(text: &str) -> Option<ClientAddress> {
        Some(ClientAddress::of(text.parse().unwrap()))
    }

    #[test]
    fn each_bound_refuses_past_its_count_and_a_closed_stream_frees_its_place() {
        let slots = slots(3, 4, 6);
        let here = address("203.0.113.9");
        let mut held: Vec<Slot> = (0..3).map(|_| slots.take("t1", here).unwrap()).collect();
        assert_eq!(slots.take("t1", here).unwrap_err(), Refused::Token);
        held.push(slots.take("t2", here).unwrap());
        assert_eq!(slots.take("t2", here).unwrap_err(), Refused::Address);
        held.push(slots.take("t2", address("198.51.100.7")).unwrap());
        held.push(slots.take("t3", address("198.51.100.7")).unwrap());
        assert_eq!(
            slots.take("t4", address("192.0.2.1")).unwrap_err(),
            Refused::Full
        );
        assert_eq!(slots.open(), 6);
        held.remove(0);
        assert!(slots.take("t1", address("192.0.2.1")).is_ok());
        drop(held);
        assert_eq!(slots.open(), 0);
        assert!(slots.open.lock().unwrap().by_token.is_empty());
        assert!(slots.open.lock().unwrap().by_address.is_empty());
    }
}
