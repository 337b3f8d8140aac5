import { type ColumnDefinitionBuilder, type Expression, type SqlBool, sql } from "kysely";

export type Dialect = "sqlite" | "postgres";

/**
 * The only schema differences between the two databases: how an auto-numbered key is declared.
 * SQLite needs exactly `integer primary key autoincrement`; PostgreSQL uses an identity column.
 */
export function autoId(dialect: Dialect): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialect === "sqlite"
    ? (col) => col.primaryKey().autoIncrement()
    : (col) => col.primaryKey().generatedByDefaultAsIdentity();
}

/** `column in ('a','b')` for CHECK constraints, built from a closed union's values. */
export function oneOf(column: string, values: readonly string[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
