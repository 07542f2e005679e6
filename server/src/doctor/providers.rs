//! Whether each enabled app's provider endpoints pass the outbound policy: the scheme, the
//! address a URL names, and every address its host resolves to from here. Nothing is sent.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::time::Duration;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use super::Finding;
use crate::catalog::{self, AppDefinition, Catalog};
use crate::config::Config;
use crate::egress::Policy;
use crate::entity::app_config;
use crate::tenancy::Environment;

/// The most custom apps checked one by one; the rest are counted.
const MOST_CUSTOM: usize = 100;

/// How long a host name may take to resolve.
const RESOLVE_PATIENCE: Duration = Duration::from_secs(3);

/// One line per enabled app (each catalog app once, each org's own app once).
pub(super) async fn check(db: &DatabaseConnection, config: &Config) -> Vec<Finding> {
    let catalog = match Catalog::builtin() {
        Ok(catalog) => catalog,
        Err(error) => {
            return vec![Finding::fail(
                "catalog",
                error.to_string(),
                "report this as a bug: the built-in catalog is part of the binary",
            )];
        }
    };
    let enabled = match enabled(db).await {
        Ok(rows) => rows,
        Err(error) => {
            return vec![Finding::fail(
                "providers",
                format!("cannot read the enabled apps: {error}"),
                "check the database user may read the app_config table",
            )];
        }
    };
    if enabled.is_empty() {
        return vec![Finding::ok("providers", "no app is enabled yet")];
    }
    // Each catalog app once; an org's own apps each once.
    let mut builtin = BTreeSet::new();
    let mut custom = Vec::new();
    for (org_id, environment, slug) in enabled {
        if catalog.get(&slug).is_some() {
            builtin.insert(slug);
        } else {
            custom.push((org_id, environment, slug));
        }
    }
    let policy = Policy::from(config.egress);
    let mut resolver = Resolver::default();
    let mut findings = Vec::new();
    for slug in &builtin {
        if let Some(app) = catalog.get(slug) {
            findings
                .push(app_finding(&format!("provider {slug}"), app, policy, &mut resolver).await);
        }
    }
    let skipped = custom.len().saturating_sub(MOST_CUSTOM);
    for (org_id, environment, slug) in custom.into_iter().take(MOST_CUSTOM) {
        let name = format!(
            "provider {slug} (own app of org {org_id}, {})",
            environment.as_str()
        );
        match catalog::definition(db, &catalog, &org_id, environment, &slug).await {
            Ok(Some(app)) => findings.push(app_finding(&name, &app, policy, &mut resolver).await),
            Ok(None) => findings.push(Finding::fail(
                name,
                "enabled, but its definition is gone",
                "turn it off (`DELETE /api/v2/public/app/{slug}/config`) or create the app again",
            )),
            Err(error) => findings.push(Finding::fail(
                name,
                format!("cannot read its definition: {error}"),
                "check the database",
            )),
        }
    }
    if skipped > 0 {
        findings.push(Finding::skipped(
            "providers",
            format!("{skipped} more of the orgs' own apps are not checked here"),
        ));
    }
    findings
}

/// Every enabled app: org, environment and slug.
async fn enabled(
    db: &DatabaseConnection,
) -> Result<Vec<(String, Environment, String)>, sea_orm::DbErr> {
    app_config::Entity::find()
        .select_only()
        .column(app_config::Column::OrgId)
        .column(app_config::Column::Environment)
        .column(app_config::Column::Slug)
        .filter(app_config::Column::Enabled.eq(true))
        .distinct()
        .into_tuple()
        .all(db)
        .await
}

/// The endpoints an app's definition names, with what each is.
fn endpoints(app: &AppDefinition) -> Vec<(&'static str, &str)> {
    let mut found = Vec::new();
    if let Some(oauth) = &app.oauth {
        found.push(("authorize", oauth.authorize_url.as_str()));
        found.push(("token", oauth.token_url.as_str()));
        if let Some(url) = &oauth.revoke_url {
            found.push(("revoke", url.as_str()));
        }
        if let Some(url) = &oauth.identity_url {
            found.push(("identity", url.as_str()));
        }
    }
    if let Some(verify) = &app.verify {
        found.push(("verify", verify.url.as_str()));
    }
    found
}

async fn app_finding(
    name: &str,
    app: &AppDefinition,
    policy: Policy,
    resolver: &mut Resolver,
) -> Finding {
    let endpoints = endpoints(app);
    if endpoints.is_empty() {
        return Finding::ok(name, "no provider endpoint (nothing is sent)");
    }
    let mut hosts = BTreeSet::new();
    let mut unresolved = BTreeSet::new();
    let mut local = 0;
    for (what, template) in &endpoints {
        // The sandbox's endpoints are paths on this Portico.
        if template.starts_with('/') {
            local += 1;
            continue;
        }
        let Ok(url) = url::Url::parse(&fill_placeholders(template)) else {
            return Finding::fail(
                name,
                format!("its {what} URL `{template}` does not parse"),
                "correct the app's definition",
            );
        };
        if let Err(why) = policy.check_url(&url) {
            return Finding::fail(
                name,
                format!("its {what} URL {url} {why}"),
                "correct the app's definition (providers are reached over https at public addresses)",
            );
        }
        let Some(host) = url.host_str() else {
            continue;
        };
        let port = url.port_or_known_default().unwrap_or(443);
        match resolver.resolve(host, port).await {
            Some(addresses) => {
                for address in addresses {
                    if let Err(refusal) = policy.check_address(address) {
                        return Finding::fail(
                            name,
                            format!(
                                "its {what} host {host} resolves to {address}, {}",
                                refusal.as_str()
                            ),
                            "point the app at the provider's public address, or fix this host's DNS",
                        );
                    }
                }
            }
            None => {
                unresolved.insert(host.to_owned());
            }
        }
        hosts.insert(host.to_owned());
    }
    let mut seen = format!("{} endpoint(s) pass", endpoints.len());
    if !hosts.is_empty() {
        seen.push_str(&format!(
            " ({})",
            hosts.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if local > 0 {
        seen.push_str(", on this Portico");
    }
    if !unresolved.is_empty() {
        seen.push_str(&format!(
            "; {} not resolved from here, checked again when used",
            unresolved.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Finding::ok(name, seen)
}

/// `{subdomain}` and the like, which the customer fills in, as a plain label.
fn fill_placeholders(template: &str) -> String {
    let mut filled = String::with_capacity(template.len());
    let mut inside = false;
    for character in template.chars() {
        match character {
            '{' => inside = true,
            '}' if inside => {
                inside = false;
                filled.push_str("example");
            }
            _ if inside => {}
            _ => filled.push(character),
        }
    }
    filled
}

/// Host lookups, each host once.
#[derive(Default)]
struct Resolver(BTreeMap<(String, u16), Option<Vec<IpAddr>>>);

impl Resolver {
    async fn resolve(&mut self, host: &str, port: u16) -> Option<Vec<IpAddr>> {
        let key = (host.to_owned(), port);
        if let Some(known) = self.0.get(&key) {
            return known.clone();
        }
        let found =
            match tokio::time::timeout(RESOLVE_PATIENCE, tokio::net::lookup_host((host, port)))
                .await
            {
                Ok(Ok(addresses)) => Some(addresses.map(|address| address.ip()).collect()),
                _ => None,
            };
        self.0.insert(key, found.clone());
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_a_plain_label() {
        assert_eq!(
            fill_placeholders("https://{subdomain}.zendesk.com/oauth/tokens"),
            "https://example.zendesk.com/oauth/tokens"
        );
        assert_eq!(
            fill_placeholders("https://a.test/{x}/{y}"),
            "https://a.test/example/example"
        );
    }
}
