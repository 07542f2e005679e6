//! Column shapes shared by every migration.

use sea_orm_migration::prelude::*;

pub fn id_column<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .string_len(32)
        .not_null()
        .primary_key()
        .to_owned()
}

pub fn timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn optional_timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

pub fn reference<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(32).not_null().to_owned()
}

pub fn environment<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string_len(16).not_null().to_owned()
}

pub fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}
