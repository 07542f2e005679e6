//! The one way out: every request Portico makes to a provider (token, refresh, revocation,
//! identity, verification) goes through [`Egress`]. Redirects are off, waits are bounded,
//! answers are capped, and addresses are checked after resolution, so a name that resolves to
//! a private or metadata address (DNS rebinding included) is refused like the address itself.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    pin::Pin,
    sync::Arc,
    time::Duration,
};

use url::Url;

use crate::config::EgressSettings;

/// Largest answer Portico reads from a provider.
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one outbound request may take in all; no request may ask for longer.
pub(crate) const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);

/// Why an address may not be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Loopback,
    Private,
    LinkLocal,
    UniqueLocal,
    Metadata,
    /// Unspecified, multicast, documentation, benchmarking and other non-public ranges.
    Reserved,
}

impl Refusal {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Loopback => "a loopback address",
            Self::Private => "a private address",
            Self::LinkLocal => "a link-local address",
            Self::UniqueLocal => "a unique-local address",
            Self::Metadata => "a cloud metadata address",
            Self::Reserved => "a reserved address",
        }
    }
}

/// Where outbound requests may go: public addresses over https, plus what the settings allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub allow_http: bool,
    pub allow_loopback: bool,
}

impl From<EgressSettings> for Policy {
    fn from(settings: EgressSettings) -> Self {
        Self {
            allow_http: settings.allow_http,
            allow_loopback: settings.allow_loopback,
        }
    }
}

/// A request Portico will not send, or an answer it could not read.
#[derive(Debug, thiserror::Error)]
pub enum EgressError {
    #[error("{0}")]
    Refused(String),
    #[error("the answer is larger than {BODY_LIMIT} bytes")]
    TooLarge,
    #[error("request failed: {0}")]
    Request(#[source] reqwest::Error),
}

impl Policy {
    /// Checks one address.
    pub(crate) fn check_address(&self, address: IpAddr) -> Result<(), Refusal> {
        match classify(address) {
            None => Ok(()),
            Some(Refusal::Loopback) if self.allow_loopback => Ok(()),
            Some(refusal) => Err(refusal),
        }
    }

    /// Checks what a URL says before any lookup: its scheme, and its host when that is an
    /// address. Names are checked again after resolution, for every address they resolve to.
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), String> {
        let host = url.host().ok_or_else(|| "the URL has no host".to_owned())?;
        let address = match host {
            url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            url::Host::Domain(name) => {
                let name = name.trim_end_matches('.');
                (name.eq_ignore_ascii_case("localhost") || name.ends_with(".localhost"))
                    .then_some(IpAddr::V4(Ipv4Addr::LOCALHOST))
            }
        };
        let loopback_target = address.is_some_and(|address| address.is_loopback());
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http || (self.allow_loopback && loopback_target) => {}
            "http" => return Err("must use https".to_owned()),
            _ => return Err("must be an https URL".to_owned()),
        }
        if let Some(address) = address {
            self.check_address(address)
                .map_err(|refusal| format!("must not point at {}", refusal.as_str()))?;
        }
        Ok(())
    }
}

/// What an address is, when it is not a public one.
pub(crate) fn classify(address: IpAddr) -> Option<Refusal> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(address: Ipv4Addr) -> Option<Refusal> {
    let [a, b, c, _] = address.octets();
    if address == Ipv4Addr::new(169, 254, 169, 254)
        || address == Ipv4Addr::new(100, 100, 100, 200)
        || address == Ipv4Addr::new(192, 0, 0, 192)
    {
        return Some(Refusal::Metadata);
    }
    if address.is_loopback() {
        return Some(Refusal::Loopback);
    }
    if address.is_link_local() {
        return Some(Refusal::LinkLocal);
    }
    // RFC 1918, and RFC 6598 shared address space (carrier-grade NAT).
    if address.is_private() || (a == 100 && (64..128).contains(&b)) {
        return Some(Refusal::Private);
    }
    let reserved = a == 0
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 0 && c == 2)
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 224;
    reserved.then_some(Refusal::Reserved)
}

fn classify_v6(address: Ipv6Addr) -> Option<Refusal> {
    // An IPv4 address written as IPv6 (mapped, compatible, NAT64, 6to4) is what it embeds.
    if let Some(v4) = embedded_v4(address) {
        return classify_v4(v4);
    }
    let segments = address.segments();
    if address == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some(Refusal::Metadata);
    }
    if address.is_loopback() {
        return Some(Refusal::Loopback);
    }
    match segments[0] {
        // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): translates to addresses of the site.
        0x0064 if segments[1] == 0xff9b && segments[2] == 0x0001 => Some(Refusal::Private),
        // Teredo (2001::/32) tunnels to an IPv4 address hidden in the rest; benchmarking.
        0x2001 if segments[1] == 0x0000 => Some(Refusal::Reserved),
        0x2001 if segments[1] == 0x0002 && segments[2] == 0 => Some(Refusal::Reserved),
        0xfe80..=0xfebf => Some(Refusal::LinkLocal),
        0xfc00..=0xfdff => Some(Refusal::UniqueLocal),
        // Site-local (deprecated), multicast, documentation, discard-only.
        0xfec0..=0xffff => Some(Refusal::Reserved),
        0x2001 if segments[1] == 0x0db8 => Some(Refusal::Reserved),
        0x0100 if segments[1..4] == [0, 0, 0] => Some(Refusal::Reserved),
        _ if address.is_unspecified() => Some(Refusal::Reserved),
        _ => None,
    }
}

fn embedded_v4(address: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = address.segments();
    let tail = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    if let Some(v4) = address.to_ipv4_mapped() {
        return Some(v4);
    }
    match segments {
        // ::a.b.c.d (deprecated "compatible" form), except :: and ::1.
        [0, 0, 0, 0, 0, 0, high, low] if high != 0 => Some(tail(high, low)),
        // IPv4-translated ::ffff:0:a.b.c.d (SIIT).
        [0, 0, 0, 0, 0xffff, 0, high, low] => Some(tail(high, low)),
        // NAT64 well-known prefix 64:ff9b::/96.
        [0x0064, 0xff9b, 0, 0, 0, 0, high, low] => Some(tail(high, low)),
        // 6to4 2002:a.b.c.d::/48.
        [0x2002, high, low, ..] => Some(tail(high, low)),
        _ => None,
    }
}

/// Resolves names and drops every address the policy refuses; a name left with none fails.
struct GuardedResolver {
    policy: Policy,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refusal = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| match policy.check_address(address.ip()) {
                    Ok(()) => true,
                    Err(why) => {
                        refusal = Some(why);
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let why = refusal.map_or("no address", Refusal::as_str);
                // The operator may know where a name led; whoever chose the URL is told only
                // that the policy refused it, not what lies behind the name.
                tracing::warn!(%host, refused = why, "outbound request refused after resolution");
                return Err(RefusedAfterResolution.into());
            }
            let addresses: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addresses)
        })
    }
}

/// The resolver found only addresses the policy refuses.
#[derive(Debug, thiserror::Error)]
#[error("{OUTBOUND_REFUSAL}")]
struct RefusedAfterResolution;

/// What a vendor is told of a request the policy refused after resolving its name.
pub(crate) const OUTBOUND_REFUSAL: &str = "refused by the outbound policy";

/// Whether `error` (or what caused it) is the resolver's refusal.
fn refused_after_resolution(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.is::<RefusedAfterResolution>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// A provider's answer, read in full up to [`BODY_LIMIT`].
#[derive(Debug)]
pub struct Answer {
    pub status: reqwest::StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Portico's client for providers.
#[derive(Clone)]
pub struct Egress {
    client: reqwest::Client,
    policy: Policy,
}

impl Egress {
    pub fn new(policy: Policy) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TOTAL_TIMEOUT)
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .no_proxy()
            .user_agent(concat!("Portico/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds");
        Self { client, policy }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Builds requests; send them with [`Egress::execute`], which checks them first.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Checks and sends a request, and reads the answer up to [`BODY_LIMIT`].
    pub async fn execute(&self, request: reqwest::Request) -> Result<Answer, EgressError> {
        self.policy
            .check_url(request.url())
            .map_err(|why| EgressError::Refused(format!("{}: {why}", redacted(request.url()))))?;
        let mut response = self.client.execute(request).await.map_err(|error| {
            if refused_after_resolution(&error) {
                EgressError::Refused(OUTBOUND_REFUSAL.to_owned())
            } else {
                EgressError::Request(error.without_url())
            }
        })?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        if response
            .content_length()
            .is_some_and(|length| length > BODY_LIMIT as u64)
        {
            return Err(EgressError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| EgressError::Request(error.without_url()))?
        {
            if body.len() + chunk.len() > BODY_LIMIT {
                return Err(EgressError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// A URL as logs may show it: scheme, host and path, never its query.
fn redacted(url: &Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    )
}

/// The `oauth2` crate sends its token requests through the same checks.
impl<'c> oauth2::AsyncHttpClient<'c> for Egress {
    type Error = EgressError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, EgressError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(EgressError::Request)?;
            let answer = self.execute(request).await?;
            let mut response = oauth2::HttpResponse::new(answer.body);
            *response.status_mut() = answer.status;
            *response.headers_mut() = answer.headers;
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: Policy = Policy {
        allow_http: false,
        allow_loopback: false,
    };

    fn refusal(address: &str) -> Option<Refusal> {
        classify(address.parse().expect("an address"))
    }

    #[test]
    fn public_addresses_pass() {
        for address in [
            "8.8.8.8",
            "1.1.1.1",
            "151.101.1.69",
            "2606:4700::1111",
            "2a00:1450::1",
            "2001:4860:4860::8888",
            "64:ff9b::8.8.8.8",
        ] {
            assert_eq!(refusal(address), None, "{address}");
        }
    }

    #[test]
    fn every_non_public_range_is_refused_by_name() {
        let cases = [
            ("127.0.0.1", Refusal::Loopback),
            ("127.255.0.9", Refusal::Loopback),
            ("::1", Refusal::Loopback),
            ("::ffff:127.0.0.1", Refusal::Loopback),
            ("10.0.0.1", Refusal::Private),
            ("172.16.5.4", Refusal::Private),
            ("172.31.255.255", Refusal::Private),
            ("192.168.1.1", Refusal::Private),
            ("100.64.0.1", Refusal::Private),
            ("::ffff:10.1.2.3", Refusal::Private),
            ("64:ff9b::10.0.0.1", Refusal::Private),
            ("2002:c0a8:0101::1", Refusal::Private),
            ("169.254.1.1", Refusal::LinkLocal),
            ("fe80::1", Refusal::LinkLocal),
            ("fc00::1", Refusal::UniqueLocal),
            ("fd12:3456::1", Refusal::UniqueLocal),
            ("169.254.169.254", Refusal::Metadata),
            ("::ffff:169.254.169.254", Refusal::Metadata),
            ("fd00:ec2::254", Refusal::Metadata),
            ("100.100.100.200", Refusal::Metadata),
            ("0.0.0.0", Refusal::Reserved),
            ("::", Refusal::Reserved),
            ("224.0.0.1", Refusal::Reserved),
            ("255.255.255.255", Refusal::Reserved),
            ("192.0.2.10", Refusal::Reserved),
            ("198.18.0.1", Refusal::Reserved),
            ("ff02::1", Refusal::Reserved),
            ("2001:db8::1", Refusal::Reserved),
            ("64:ff9b:1::a00:1", Refusal::Private),
            ("64:ff9b:1:ffff::8.8.8.8", Refusal::Private),
            ("::ffff:0:10.0.0.1", Refusal::Private),
            ("::ffff:0:127.0.0.1", Refusal::Loopback),
            ("::ffff:0:169.254.169.254", Refusal::Metadata),
            ("2001::1", Refusal::Reserved),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", Refusal::Reserved),
            ("2001:2::1", Refusal::Reserved),
        ];
        for (address, expected) in cases {
            assert_eq!(refusal(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn loopback_is_allowed_only_by_setting_and_nothing_else_is() {
        let loose = Policy {
            allow_http: false,
            allow_loopback: true,
        };
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(STRICT.check_address(loopback), Err(Refusal::Loopback));
        assert_eq!(loose.check_address(loopback), Ok(()));
        for address in ["10.0.0.1", "169.254.169.254", "fd00::1"] {
            assert!(loose.check_address(address.parse().unwrap()).is_err());
        }
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_after_resolution() {
        use reqwest::dns::Resolve;
        let name = || "localhost".parse::<reqwest::dns::Name>().unwrap();
        let strict = GuardedResolver { policy: STRICT };
        let Err(error) = strict.resolve(name()).await else {
            panic!("loopback is refused");
        };
        // Whoever chose the name learns that it was refused, not where it leads.
        assert_eq!(error.to_string(), OUTBOUND_REFUSAL);
        assert!(error.is::<RefusedAfterResolution>());
        let loose = GuardedResolver {
            policy: Policy {
                allow_http: false,
                allow_loopback: true,
            },
        };
        let addresses: Vec<_> = loose.resolve(name()).await.unwrap().collect();
        assert!(!addresses.is_empty());
        assert!(addresses.iter().all(|address| address.ip().is_loopback()));
    }

    #[test]
    fn urls_need_https_and_a_public_literal_host() {
        let check = |policy: Policy, url: &str| policy.check_url(&Url::parse(url).unwrap());
        assert_eq!(check(STRICT, "https://api.example.com/token"), Ok(()));
        assert!(check(STRICT, "http://api.example.com/token").is_err());
        assert!(check(STRICT, "ftp://api.example.com/").is_err());
        for url in [
            "https://127.0.0.1:8443/token",
            "https://[::1]/token",
            "https://localhost/token",
            "https://app.localhost/token",
            "https://10.0.0.1/token",
            "https://169.254.169.254/latest/meta-data/",
            "https://[fd00:ec2::254]/",
            "https://2130706433/",
        ] {
            let refused = check(STRICT, url).expect_err(url);
            assert!(refused.starts_with("must not point at"), "{url}: {refused}");
        }
        let dev = Policy {
            allow_http: true,
            allow_loopback: true,
        };
        assert_eq!(check(dev, "http://127.0.0.1:9000/token"), Ok(()));
        assert!(check(dev, "http://10.0.0.1/token").is_err());
        let tests = Policy {
            allow_http: false,
            allow_loopback: true,
        };
        assert_eq!(check(tests, "http://127.0.0.1:9000/token"), Ok(()));
        assert!(check(tests, "http://api.example.com/token").is_err());
    }
}
