//! Portico: a self-hostable connect portal. This crate holds the server: configuration, CLI,
//! storage, the domain modules and the HTTP application that serves the `app` pages.

#![warn(unreachable_pub)]

pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub(crate) mod connect;
pub mod connections;
pub mod db;
pub mod egress;
pub(crate) mod embed;
pub mod entity;
pub(crate) mod flow_cookie;
pub mod hooks;
pub(crate) mod hosted;
pub mod http;
pub mod input;
pub mod keyauth;
pub mod oauth;
pub mod rotation;
pub mod sandbox;
pub mod secrets;
pub mod services;
pub mod sessions;
pub mod startup;
pub mod tenancy;
pub mod vault;
pub mod webhooks;
pub mod workers;
