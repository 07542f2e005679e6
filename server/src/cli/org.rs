//! `portico org create|allow-origin`.

use clap::Subcommand;
use serde_json::json;

use super::output::{Format, print};
use super::{CliError, Ctx};
use crate::input::HexColor;
use crate::tenancy;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an org.
    Create {
        #[arg(long)]
        name: String,
        /// Accent colour of its hosted page, e.g. #1a73e8.
        #[arg(long)]
        brand_color: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Set the language of the org's pages when neither the link nor the browser names one:
    /// en, de, fr, es, ja or pt-BR.
    Locale {
        #[arg(long)]
        org: String,
        locale: String,
    },
    /// Allow a browser origin to call the SDK routes with this org's session tokens.
    AllowOrigin {
        #[arg(long)]
        org: String,
        /// e.g. https://app.example.com
        origin: String,
    },
}

pub(super) async fn run(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Create {
            name,
            brand_color,
            format,
        } => {
            let color = brand_color
                .map(|c| HexColor::parse("--brand-color", &c))
                .transpose()?;
            let org =
                tenancy::create_org(ctx.db(), &name, color.as_ref(), ctx.services.clock.now())
                    .await?;
            print(
                format,
                &format!("Created org {} ({})", org.name, org.id),
                &[("org_id", json!(org.id))],
            );
        }
        Command::Locale { org, locale } => {
            let locale = app::i18n::Locale::parse(&locale).ok_or_else(|| {
                CliError::new("the language must be one of en, de, fr, es, ja, pt-BR")
            })?;
            if !tenancy::set_default_locale(ctx.db(), &org, locale).await? {
                return Err(CliError::new(format!("no org with id {org}")));
            }
            println!("Org {org} pages speak {} by default", locale.as_str());
        }
        Command::AllowOrigin { org, origin } => {
            let origin = tenancy::parse_origin(&origin)?;
            let origins = tenancy::allow_origin(ctx.db(), &org, &origin)
                .await?
                .ok_or_else(|| CliError::new(format!("no org with id {org}")))?;
            println!("Org {org} allows: {}", origins.join(", "));
        }
    }
    Ok(())
}
