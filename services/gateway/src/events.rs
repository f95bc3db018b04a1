//! Live events from Redis pub/sub, fanned out inside this replica.
//!
//! One task per gateway replica pattern-subscribes to the services' event channels and
//! hands every event to the local subscriptions through a broadcast channel, so a thousand
//! subscribers cost one Redis connection, and an event published by any service (or caused
//! through any replica) reaches the subscribers of every replica. If Redis goes away the task
//! reconnects with backoff; subscribers miss what was published meanwhile (live push is best
//! effort, nothing depends on it).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::broadcast;
use tp_identity_api::events::{CHANNEL_PATTERN, Event};

/// Events buffered per subscriber; one that falls further behind skips ahead.
const CAPACITY: usize = 1024;

#[derive(Clone)]
pub struct EventHub {
    sender: broadcast::Sender<Arc<Event>>,
}

impl EventHub {
    /// Starts the relay task for `redis_url`.
    pub fn start(redis_url: String) -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        tokio::spawn(relay(redis_url, sender.clone()));
        Self { sender }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }
}

async fn relay(redis_url: String, sender: broadcast::Sender<Arc<Event>>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match relay_once(&redis_url, &sender).await {
            Ok(()) => tracing::warn!("event subscription ended; reconnecting"),
            Err(err) => tracing::warn!(error = %err, "event subscription failed; reconnecting"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

async fn relay_once(redis_url: &str, sender: &broadcast::Sender<Arc<Event>>) -> Result<(), redis::RedisError> {
    let client = redis::Client::open(redis_url)?;
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.psubscribe(CHANNEL_PATTERN).await?;
    tracing::info!("listening for live events");
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        match serde_json::from_slice::<Event>(message.get_payload_bytes()) {
            // No receiver is not an error: nobody subscribed on this replica yet.
            Ok(event) => drop(sender.send(Arc::new(event))),
            Err(err) => tracing::warn!(error = %err, "unreadable live event skipped"),
        }
    }
    Ok(())
}
