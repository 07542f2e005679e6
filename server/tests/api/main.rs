//! Integration tests of the HTTP API and pages against a real server on port 0, on SQLite or
//! (with `PORTICO_TEST_POSTGRES_URL`) PostgreSQL.

mod applications;
mod binding;
mod branding;
mod console;
mod console_apps;
mod doctor;
mod egress;
mod embed;
mod errors;
mod helpers;
mod hosted_page;
mod keys;
mod languages;
mod lifecycle;
mod limits;
mod linked_accounts;
mod oauth;
mod openapi;
mod processes;
mod provider;
mod queries;
mod reasons;
mod scoped;
mod startup;
mod telemetry;
mod webhooks;
