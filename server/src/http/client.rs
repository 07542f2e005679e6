//! Who is on the other end of a request: the peer's address, or behind trusted reverse
//! proxies (`PORTICO_TRUSTED_PROXIES`) the right-most `X-Forwarded-For` hop that is not one of
//! them. Limits count per [`ClientAddress`], which puts an IPv6 client's whole /64 in one
//! bucket (one subscriber usually holds the whole /64).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use super::AppState;

/// The client's address as limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The bucket of `address`: itself for IPv4, its /64 for IPv6.
    pub(crate) fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(_) => Self(address),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy, in which case the
/// `X-Forwarded-For` hops are read from the right, past every trusted one. A hop that does
/// not parse ends the walk at the last trusted address: it was written by someone untrusted.
pub(super) fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>() else {
            break;
        };
        client = address;
        if !is_trusted(&address) {
            break;
        }
    }
    client
}

/// Leaves the [`ClientAddress`] in the request for the limits and the widget's streams.
pub(super) async fn identify(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = client_of(peer, request.headers(), &state.trusted_proxies);
        request.extensions_mut().insert(ClientAddress::of(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(value));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_claims() {
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(client_of(ip("127.0.0.1"), &headers, &[]), ip("127.0.0.1"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted: Vec<IpNet> = vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        // A client may prepend anything; only what the trusted proxies appended counts.
        let headers = forwarded(&["1.1.1.1, 203.0.113.9", "10.1.2.3"]);
        assert_eq!(
            client_of(ip("127.0.0.1"), &headers, &trusted),
            ip("203.0.113.9")
        );
        // A peer that is not trusted is the client, whatever the header says.
        assert_eq!(
            client_of(ip("198.51.100.7"), &headers, &trusted),
            ip("198.51.100.7")
        );
        // Only trusted hops: the left-most of them.
        let headers = forwarded(&["10.9.9.9, 10.1.2.3"]);
        assert_eq!(
            client_of(ip("127.0.0.1"), &headers, &trusted),
            ip("10.9.9.9")
        );
        // Garbage ends the walk at the last trusted hop.
        let headers = forwarded(&["203.0.113.9, not-an-address, 10.1.2.3"]);
        assert_eq!(
            client_of(ip("127.0.0.1"), &headers, &trusted),
            ip("10.1.2.3")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_of(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            ClientAddress::of(ip("2001:db8:1:2:aaaa::1")),
            ClientAddress::of(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(
            ClientAddress::of(ip("2001:db8:1:2::1")),
            ClientAddress::of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            ClientAddress::of(ip("::ffff:203.0.113.9")),
            ClientAddress::of(ip("203.0.113.9"))
        );
        assert_ne!(
            ClientAddress::of(ip("203.0.113.9")),
            ClientAddress::of(ip("203.0.113.10"))
        );
    }
}
