//! `portico demo`: a demo org with every catalog app enabled, a test API key and a hosted link.

use serde_json::json;

use super::output::{Format, print};
use super::{CliError, Ctx};
use crate::catalog::{AppConfigInput, Slug};
use crate::sessions;
use crate::tenancy::{self, Environment, LinkedAccountInput};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// The name the demo org is found by on later runs.
const DEMO_ORG: &str = "Acme Demo";
const DEMO_ACCOUNT: &str = "demo-customer";

pub(super) async fn run(ctx: &Ctx, args: Args) -> Result<(), CliError> {
    let db = ctx.db();
    let org = match tenancy::find_org_named(db, DEMO_ORG).await? {
        Some(org) => org,
        None => tenancy::create_org(db, DEMO_ORG, None, ctx.services.clock.now()).await?,
    };
    for app in ctx.services.catalog.apps() {
        let slug = Slug::parse(&app.slug)?;
        ctx.services
            .enable_app(
                &org.id,
                Environment::Test,
                &slug,
                &AppConfigInput::default(),
            )
            .await?;
    }
    let input = LinkedAccountInput::parse(DEMO_ACCOUNT, Some("Demo Customer"), None)?;
    let account = tenancy::upsert_linked_account(
        db,
        &org.id,
        Environment::Test,
        &input,
        ctx.services.clock.now(),
    )
    .await?;
    let key =
        tenancy::create_api_key(db, &org.id, Environment::Test, ctx.services.clock.now()).await?;
    let link = ctx.hosted_link(&account, sessions::DEFAULT_TTL).await?;
    let human = format!(
        "Demo org: {} ({})\nLinked account: {DEMO_ACCOUNT}\nTest API key (shown only now): {}\n\nOpen the hosted connect page (valid until {}):\n\n    {}\n",
        org.name, org.id, key.key, link.expires_at, link.url
    );
    print(
        args.format,
        &human,
        &[
            ("org_id", json!(org.id)),
            ("api_key", json!(key.key)),
            ("linked_account_id", json!(DEMO_ACCOUNT)),
            ("hosted_url", json!(link.url)),
        ],
    );
    Ok(())
}
