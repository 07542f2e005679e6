//! Application definitions: the built-in catalog (data files under `server/catalog/`), the
//! org's own apps, and which apps an org has enabled per environment.

mod app_config;
mod custom;
mod definition;
mod load;
mod lookup;
mod slug;

pub use app_config::{
    AppConfigInput, client_secret_binding, configs, disable_app, enable_app, enabled_slugs,
    reseal_all, signing_secret_binding, try_open_sample,
};
pub use custom::{
    CheckedApp, CustomAppError, CustomAppInput, create_custom_app, delete_custom_app, own_app,
    update_custom_app,
};
pub use definition::{
    AppDefinition, AuthKind, BasicAuth, ClientAuth, ConnectParam, FieldKind, InputField,
    OAuthEndpoints, Refusal, RefusalRule, Verification, VerifyMethod,
};
pub use load::{Catalog, CatalogError};
pub use lookup::{all_apps, definition, enabled_apps};
pub use slug::Slug;
