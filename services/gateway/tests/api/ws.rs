//! A graphql-transport-ws client for the tests: connect with a token, subscribe, read events
//! with a bound on the wait.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct Subscription {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What the server sent next on a subscription, if anything within the wait.
#[derive(Debug, PartialEq)]
pub enum Next {
    Data(Value),
    Error(Value),
    Complete,
    Closed,
    Nothing,
}

/// Connects to `gateway` (http://…) as `token` and starts `query`. Panics unless the
/// connection is acknowledged.
pub async fn subscribe(gateway: &str, token: &str, query: &str) -> Subscription {
    let mut socket = connect(gateway, json!({ "Authorization": format!("Bearer {token}") })).await;
    let ack = read(&mut socket, Duration::from_secs(5)).await.expect("connection_ack");
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    let start = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    socket.send(Message::text(start.to_string())).await.unwrap();
    Subscription { socket }
}

/// Opens the socket and sends `connection_init` with `payload`.
pub async fn connect(gateway: &str, payload: Value) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
    let url = format!("{}/graphql", gateway.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.expect("websocket connects");
    let init = json!({ "type": "connection_init", "payload": payload });
    socket.send(Message::text(init.to_string())).await.unwrap();
    socket
}

/// The next JSON message, or `None` if the socket closed or nothing came within `wait`.
pub async fn read(socket: &mut WebSocketStream<MaybeTlsStream<TcpStream>>, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next()).await.ok()??.ok()?;
        match message {
            Message::Text(text) => return serde_json::from_str(&text).ok(),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

impl Subscription {
    /// Starts another operation on the same connection.
    pub async fn start(&mut self, id: &str, query: &str) {
        let start = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
        self.socket.send(Message::text(start.to_string())).await.unwrap();
    }

    pub async fn next(&mut self, wait: Duration) -> Next {
        loop {
            let deadline = tokio::time::Instant::now() + wait;
            let message = match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => return Next::Nothing,
                Ok(None | Some(Err(_))) => return Next::Closed,
                Ok(Some(Ok(message))) => message,
            };
            let text = match message {
                Message::Text(text) => text,
                Message::Close(_) => return Next::Closed,
                _ => continue,
            };
            let value: Value = serde_json::from_str(&text).unwrap();
            return match value["type"].as_str() {
                Some("next") if value["payload"]["errors"].is_array() => Next::Error(value["payload"].clone()),
                Some("next") => Next::Data(value["payload"]["data"].clone()),
                Some("error") => Next::Error(value["payload"].clone()),
                Some("complete") => Next::Complete,
                Some("ping") => {
                    self.socket.send(Message::text(json!({"type": "pong"}).to_string())).await.unwrap();
                    continue;
                }
                _ => continue,
            };
        }
    }
}
