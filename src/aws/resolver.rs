//! DNS resolution that maps `*.localhost` (RFC 6761) and `<label>.127.0.0.1` to loopback.
//!
//! S3 Control puts the account id in front of the endpoint host (`123456789012.localhost`),
//! which the system resolver does not answer for a local endpoint such as an emulator. Real AWS
//! hosts never end in these suffixes, so they resolve through the system resolver as usual.

use std::net::{IpAddr, Ipv4Addr};

use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDns, ResolveDnsError};

#[derive(Debug, Clone, Copy)]
pub struct LoopbackAwareResolver;

fn loopback_name(name: &str) -> bool {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    n == "localhost" || n.ends_with(".localhost") || n.ends_with(".127.0.0.1")
}

impl ResolveDns for LoopbackAwareResolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> DnsFuture<'a> {
        if loopback_name(name) {
            return DnsFuture::ready(Ok(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]));
        }
        let name = name.to_string();
        DnsFuture::new(async move {
            let addrs = tokio::net::lookup_host((name.as_str(), 0))
                .await
                .map_err(ResolveDnsError::new)?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::loopback_name;

    #[test]
    fn only_loopback_names() {
        assert!(loopback_name("123456789012.127.0.0.1"));
        assert!(loopback_name("123456789012.localhost"));
        assert!(loopback_name("localhost."));
        assert!(!loopback_name("s3-control.us-east-1.amazonaws.com"));
        assert!(!loopback_name("localhost.example.com"));
    }
}
